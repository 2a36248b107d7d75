"""Writes to feedback channels and items.

Each service is atomic, checks its rules (``ValidationError`` by field, the same for the
web form and the API) and records one audit entry. A submission records its entry on the
channel, dated to the day and without an actor, so the log cannot tie an item to a person
or a moment (docs/privacy.md).
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import TypedDict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _

from stepback.accounts.models import Membership, Organisation, User
from stepback.core import audit
from stepback.core.models import AuditEntry
from stepback.core.services import check_all, model_update, validate
from stepback.core.tags import clean_tags, tags_named
from stepback.feedback.models import (
    MAX_ITEM_LENGTH,
    Channel,
    FeedbackItem,
    FeedbackSettings,
    Identity,
    Status,
)
from stepback.initiatives.models import Initiative

RECEIPT_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"  # no 0/O, 1/I/L, U: easy to read aloud
RECEIPT_LENGTH = 10
MAX_BULK = 500
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class ChannelChanges(TypedDict, total=False):
    name: str
    prompt: str
    access_code: str
    opens_on: date | None
    closes_on: date | None
    identity: str


CHANNEL_FIELDS = frozenset(ChannelChanges.__annotations__)


class ItemChanges(TypedDict, total=False):
    status: str
    assignee: User | None
    answer: str
    published: bool


ITEM_FIELDS = frozenset(ItemChanges.__annotations__)
_SET_BY_SERVICE = ("organisation", "initiative", "channel", "follow_up_hash", "receipt_hash")


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.strip().upper().replace("-", "").encode()).hexdigest()


def plain_text(text: str) -> str:
    """Text as stored: no HTML tags, no control characters, trimmed."""
    return _CONTROL.sub("", strip_tags(text)).strip()


def _receipt() -> str:
    code = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(RECEIPT_LENGTH))
    return f"{code[:5]}-{code[5:]}"


def audit_day_only(entry: AuditEntry, day: date) -> None:
    """Keep only the day of an anonymous submission's audit entry."""
    moment = timezone.make_aware(datetime.combine(day, time.min))
    AuditEntry.objects.filter(pk=entry.pk).update(created_at=moment)


def threshold_for(organisation: Organisation) -> int:
    settings = FeedbackSettings.objects.filter(organisation=organisation).first()
    return settings.threshold if settings else FeedbackSettings().threshold


@transaction.atomic
def threshold_set(*, organisation: Organisation, actor: User | None, threshold: int) -> None:
    """Set the smallest group whose results are shown (never below 3)."""
    settings, _created = FeedbackSettings.objects.get_or_create(organisation=organisation)
    before = settings.threshold
    settings.threshold = threshold
    validate(settings, exclude=["organisation"])
    settings.save()
    audit.record(
        organisation=organisation,
        actor=actor,
        verb="organisation.threshold",
        target=organisation,
        changes={"threshold": [before, threshold]},
    )


@transaction.atomic
def channel_create(
    *,
    initiative: Initiative,
    actor: User | None,
    name: str,
    prompt: str = "",
    access_code: str = "",
    opens_on: date | None = None,
    closes_on: date | None = None,
    identity: str = Identity.EITHER,
) -> Channel:
    channel = Channel(
        organisation=initiative.organisation,
        initiative=initiative,
        name=name.strip(),
        prompt=prompt.strip(),
        access_code=access_code.strip(),
        opens_on=opens_on,
        closes_on=closes_on,
        identity=identity,
    )
    validate(channel, exclude=("organisation", "initiative"))
    channel.save()
    audit.record_row(channel, actor=actor, verb="channel.create", changes={"name": channel.name})
    return channel


@transaction.atomic
def channel_update(*, channel: Channel, actor: User | None, changes: ChannelChanges) -> Channel:
    changed = model_update(channel, changes, allowed=CHANNEL_FIELDS, exclude=_SET_BY_SERVICE)
    if changed:
        audit.record_row(channel, actor=actor, verb="channel.update", changes=changed)
    return channel


@dataclass(frozen=True)
class Submission:
    """A stored item and the two secrets its sender keeps (shown once, stored hashed)."""

    item: FeedbackItem
    follow_up_token: str
    receipt: str


@transaction.atomic
def item_submit(
    *,
    channel: Channel,
    body: str,
    anonymous: bool,
    name: str = "",
    email: str = "",
    access_code: str = "",
) -> Submission:
    """Store what someone sent through a channel; no account, so no actor."""
    today = channel.organisation.today()
    if not channel.is_open(today):
        raise ValidationError({"body": _("This channel is closed.")})
    if channel.access_code and access_code.strip() != channel.access_code:
        raise ValidationError({"access_code": _("The access code is not right.")})
    if channel.identity == Identity.ANONYMOUS:
        anonymous = True
    elif channel.identity == Identity.NAMED:
        anonymous = False
    text = plain_text(body)
    if len(text) > MAX_ITEM_LENGTH:
        raise ValidationError(
            {"body": _("Keep it to %(limit)s characters.") % {"limit": MAX_ITEM_LENGTH}}
        )
    follow_up_token, receipt = secrets.token_urlsafe(24), _receipt()
    item = FeedbackItem(
        organisation=channel.organisation,
        initiative=channel.initiative,
        channel=channel,
        body=text,
        anonymous=anonymous,
        name="" if anonymous else plain_text(name)[:120],
        email="" if anonymous else email.strip(),
        submitted_on=today,
        follow_up_hash=secret_hash(follow_up_token),
        receipt_hash=secret_hash(receipt),
    )
    check_all(
        lambda: validate(item, exclude=_SET_BY_SERVICE),
        lambda: _check_named(item),
    )
    item.save(force_insert=True)
    entry = audit.record_row(
        channel, actor=None, verb="channel.submit", changes={"anonymous": anonymous}
    )
    audit_day_only(entry, today)
    return Submission(item=item, follow_up_token=follow_up_token, receipt=receipt)


def _check_named(item: FeedbackItem) -> None:
    if not item.anonymous and not item.name:
        raise ValidationError({"name": _("Give your name, or send it anonymously.")})


def _check_assignee(organisation: Organisation, assignee: User | None) -> None:
    if (
        assignee is not None
        and not Membership.objects.filter(organisation=organisation, user=assignee).exists()
    ):
        raise ValidationError({"assignee": _("Assign the item to a member of the organisation.")})


@transaction.atomic
def item_update(
    *,
    item: FeedbackItem,
    actor: User | None,
    changes: ItemChanges,
    tags: Sequence[str] | None = None,
) -> FeedbackItem:
    """Triage an item: status, who handles it, the answer and whether it is published."""
    names: list[str] = []
    check_all(
        lambda: _check_assignee(item.organisation, changes.get("assignee")),
        None if tags is None else lambda: names.extend(clean_tags(tags)),
    )
    if "answer" in changes:
        changes["answer"] = plain_text(changes["answer"])
        if changes["answer"] and changes["answer"] != item.answer:
            item.answered_on = item.organisation.today()
    changed = model_update(item, changes, allowed=ITEM_FIELDS, exclude=(*_SET_BY_SERVICE, "tags"))
    if "answer" in changed:
        FeedbackItem.objects.filter(pk=item.pk).update(answered_on=item.answered_on)
    if tags is not None:
        before = sorted(tag.name for tag in item.tags.all())
        item.tags.set(tags_named(item.organisation, names))
        if sorted(names) != before:
            changed["tags"] = [before, sorted(names)]
    if changed:
        audit.record_row(item, actor=actor, verb="feedback.update", changes=changed)
    return item


@transaction.atomic
def items_bulk_update(
    *,
    initiative: Initiative,
    actor: User | None,
    item_ids: Sequence[int],
    status: str | None = None,
    assignee: User | None = None,
    add_tag: str = "",
) -> int:
    """Set the status, the assignee or a tag on many of an initiative's items at once;
    returns how many."""
    organisation = initiative.organisation
    if not item_ids:
        raise ValidationError({"items": _("Choose at least one item.")})
    if len(item_ids) > MAX_BULK:
        raise ValidationError({"items": _("Choose at most %(limit)s items.") % {"limit": MAX_BULK}})
    if status is not None and status not in Status.values:
        raise ValidationError({"status": _("Choose a status from the list.")})
    _check_assignee(organisation, assignee)
    tag_names = clean_tags([add_tag]) if add_tag else []
    items = FeedbackItem.objects.filter(initiative=initiative, pk__in=list(item_ids))
    fields: dict[str, object] = {}
    if status is not None:
        fields["status"] = status
    if assignee is not None:
        fields["assignee"] = assignee
    count = items.update(**fields) if fields else items.count()
    if tag_names:
        tag = tags_named(organisation, tag_names)[0]
        through = FeedbackItem.tags.through
        have = set(through.objects.filter(tag=tag).values_list("feedbackitem_id", flat=True))
        through.objects.bulk_create(
            [
                through(feedbackitem_id=pk, tag=tag)
                for pk in items.values_list("pk", flat=True)
                if pk not in have
            ]
        )
    audit.record(
        organisation=organisation,
        actor=actor,
        verb="feedback.bulk_update",
        target=initiative,
        changes={"items": count, "status": status, "assignee": assignee, "tags": tag_names},
    )
    return count
