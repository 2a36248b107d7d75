"""Periodic work on API tokens."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from stepback.tokens.services import api_token_warn_expiry, api_tokens_to_warn

logger = logging.getLogger(__name__)


@db_periodic_task(crontab(hour="7", minute="10"))
def warn_expiring_tokens() -> int:
    """Email each owner whose token stops working within a week; return how many were told.

    A token that cannot be warned (the mail server refused, say) is logged and left for
    tomorrow's run, and the others are still warned.
    """
    warned = 0
    for token in api_tokens_to_warn():
        try:
            api_token_warn_expiry(token=token)
        except Exception:
            logger.exception("Could not warn the owner of API token %s of its expiry", token.pk)
        else:
            warned += 1
    return warned
