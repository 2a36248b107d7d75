"""API routes for the activity: the audit log, read through the same selector as the pages.

No ``from __future__ import annotations`` here: ninja evaluates these annotations at import.
"""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from stepback.accounts.roles import Capability
from stepback.core import audit, selectors
from stepback.core.api_schemas import Id, Paging, QuerySchema
from stepback.core.models import AuditEntry, AuditEntryQuerySet
from stepback.tokens.auth import access, api_membership

router = Router(tags=["activity"])


class AuditEntryOut(Schema):
    id: int
    created_at: dt.datetime
    actor_id: int | None
    actor_name: str | None
    verb: str
    target_type: str
    target_id: int
    initiative_id: int | None
    changes: dict[str, Any]
    summary: str = Field(description="The entry as a sentence, as the activity page shows it.")

    @staticmethod
    def resolve_actor_name(obj: AuditEntry) -> str | None:
        return obj.actor.display_name if obj.actor else None

    @staticmethod
    def resolve_summary(obj: AuditEntry) -> str:
        return audit.describe(obj)


class ActivityFilters(QuerySchema):
    initiative_id: Id | None = None
    actor_id: Id | None = Field(None, description="The user id of who did it.")
    kind: str | None = Field(
        None, description="The first part of the verb: `goal`, `measurement`, …"
    )
    date_from: dt.date | None = None
    date_to: dt.date | None = None


@router.get(
    "/orgs/{org}/activity",
    response=list[AuditEntryOut],
    **access(Capability.VIEW_ACTIVITY),
    summary="List the organisation's activity, newest first",
)
@paginate(Paging)
def list_activity(
    request: HttpRequest, org: str, filters: Query[ActivityFilters]
) -> AuditEntryQuerySet:
    return selectors.audit_entries(
        organisation=api_membership(request).organisation,
        initiative_id=filters.initiative_id,
        actor=filters.actor_id,
        kind=filters.kind,
        date_from=filters.date_from,
        date_to=filters.date_to,
    )
