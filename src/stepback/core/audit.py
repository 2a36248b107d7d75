"""Writing the audit log, and saying what an entry means.

Every service that writes records one entry, inside its own transaction, so the entry
commits or rolls back with the change it describes::

    from stepback.core import audit

    GOAL_FIELDS = ("name", "unit", "target_value", "target_date")

    @transaction.atomic
    def goal_update(*, goal, by, **fields):
        before = audit.snapshot(goal, GOAL_FIELDS)
        ...  # change and save the goal
        audit.record(
            organisation=goal.initiative.organisation,
            actor=by,
            verb="goal.update",
            target=goal,
            initiative_id=goal.initiative_id,
            changes=audit.diff(before, audit.snapshot(goal, GOAL_FIELDS)),
        )

``record`` is one INSERT and reads nothing. ``describe`` turns an entry into the sentence
the pages and the API show ("Ana Lopez updated goal #12: target value 80 → 85"); it is the
only place that sentence is built.
"""

from __future__ import annotations

import datetime as dt
import math
import uuid
from collections.abc import Iterable, Mapping
from decimal import Decimal
from enum import Enum
from typing import Any

from django.db import models, transaction
from django.utils.functional import Promise
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from stepback.accounts.models import Organisation, User
from stepback.core.models import AuditEntry

# JSON values as the ``changes`` column stores them.
Json = None | bool | int | float | str | list[Any] | dict[str, Any]
Target = models.Model | tuple[str, int]

MAX_TEXT = 200  # longer strings are cut in ``changes``: the log is not a copy of the data
MAX_SHOWN_CHANGES = 4  # how many changes a sentence lists before "and N more"

# The kinds the activity filters offer: the first part of a verb, and its label. A new
# app that records entries adds its kinds here (strings only: core imports no feature app).
KINDS: dict[str, Promise] = {
    "initiative": _("Initiatives"),
    "goal": _("Goals"),
    "measurement": _("Measurements"),
    "observation": _("Observations"),
    "member": _("Members"),
    "invitation": _("Invitations"),
    "organisation": _("Organisation"),
    "token": _("API tokens"),
    "channel": _("Feedback channels"),
    "feedback": _("Feedback"),
    "survey": _("Surveys"),
    "round": _("Survey rounds"),
    "plan": _("Plan revisions"),
    "objective": _("Plan objectives"),
    "action": _("Plan actions"),
    "stakeholder": _("Stakeholders"),
    "unit": _("Units"),
    "assessment": _("Assessments"),
    "touchpoint": _("Touchpoints"),
    "champion": _("Champions"),
    "network": _("Change network"),
    "championfeedback": _("Champion feedback"),
    "networkresource": _("Network resources"),
    "group": _("Groups"),
    "sprint": _("Learning Sprints"),
    "handoff": _("Hand-offs"),
    "checkin": _("Check-ins"),
    "barrier": _("Barriers"),
    "leader": _("Leaders"),
    "recognition": _("Recognition"),
}

# The past tense of each action (the last part of a verb), for the sentence.
PAST_TENSE: dict[str, Promise] = {
    "add": _("added"),
    "create": _("created"),
    "update": _("updated"),
    "delete": _("deleted"),
    "remove": _("removed"),
    "import": _("imported"),
    "archive": _("archived"),
    "restore": _("restored"),
    "tick": _("ticked"),
    "untick": _("unticked"),
    "invite": _("invited"),
    "accept": _("accepted"),
    "revoke": _("revoked"),
    "change_role": _("changed the role of"),
    "set_stage": _("moved the stage of"),
    "resend": _("resent"),
    "add_many": _("added"),
    "keep_latest": _("kept the latest of repeated"),
    "warn": _("warned the owner of"),
    "submit": _("sent feedback through"),
    "bulk_update": _("updated several"),
    "threshold": _("set the results threshold in"),
    "add_question": _("added a question to"),
    "respond": _("received a response to"),
    "close": _("closed"),
    "revise": _("saved a revision of"),
    "link": _("put on an initiative"),
    "note": _("noted a concern or priority of"),
    "set_cadence": _("set the contact cadence of"),
    "nominate": _("nominated"),
    "decline": _("declined"),
    "follow": _("started the sprint that follows"),
    "confirm": _("confirmed"),
    "complete": _("completed"),
    "pause": _("paused"),
    "resume": _("resumed"),
    "reverse": _("reversed"),
    "log": _("logged"),
    "raise": _("raised"),
    "resolve": _("resolved"),
    "set_thresholds": _("set the balance thresholds of"),
    "add_slot": _("published office hours for"),
    "book": _("booked office hours with"),
}
# What an entry is about, as the sentence names it (a translation may add its article).
TARGET_NAMES: dict[str, Promise] = {
    "goal": pgettext_lazy("audit target", "goal"),
    "initiative": pgettext_lazy("audit target", "initiative"),
    "measurement": pgettext_lazy("audit target", "measurement"),
    "measurementimport": pgettext_lazy("audit target", "import"),
    "observation": pgettext_lazy("audit target", "observation"),
    "member": pgettext_lazy("audit target", "member"),
    "invitation": pgettext_lazy("audit target", "invitation"),
    "organisation": pgettext_lazy("audit target", "organisation"),
    "token": pgettext_lazy("audit target", "token"),
    "apitoken": pgettext_lazy("audit target", "token"),
    "channel": pgettext_lazy("audit target", "feedback channel"),
    "feedbackitem": pgettext_lazy("audit target", "feedback item"),
    "feedbacksettings": pgettext_lazy("audit target", "feedback settings"),
    "survey": pgettext_lazy("audit target", "survey"),
    "round": pgettext_lazy("audit target", "survey round"),
    "plan": pgettext_lazy("audit target", "plan"),
    "objective": pgettext_lazy("audit target", "objective"),
    "action": pgettext_lazy("audit target", "action"),
    "stakeholder": pgettext_lazy("audit target", "stakeholder"),
    "unit": pgettext_lazy("audit target", "unit"),
    "assessment": pgettext_lazy("audit target", "assessment"),
    "touchpoint": pgettext_lazy("audit target", "touchpoint"),
    "champion": pgettext_lazy("audit target", "champion"),
    "network": pgettext_lazy("audit target", "change network"),
    "championfeedback": pgettext_lazy("audit target", "champion feedback"),
    "networkresource": pgettext_lazy("audit target", "network resource"),
    "group": pgettext_lazy("audit target", "group"),
    "sprint": pgettext_lazy("audit target", "Learning Sprint"),
    "handoff": pgettext_lazy("audit target", "hand-off"),
    "checkin": pgettext_lazy("audit target", "check-in"),
    "barrier": pgettext_lazy("audit target", "barrier"),
    "leader": pgettext_lazy("audit target", "leader"),
    "recognition": pgettext_lazy("audit target", "recognition"),
}
# A verb's kind when it differs from its target ("added measurements for goal #12").
KIND_NAMES: dict[str, Promise] = {
    "measurement": pgettext_lazy("audit kind", "measurements"),
    "initiative": pgettext_lazy("audit kind", "initiative"),
    "goal": pgettext_lazy("audit kind", "goal"),
    "member": pgettext_lazy("audit kind", "member"),
    "invitation": pgettext_lazy("audit kind", "invitation"),
    "feedback": pgettext_lazy("audit kind", "feedback"),
}
# The fields and facts entries record, as the sentence names them; others read as written.
FIELD_LABELS: dict[str, Promise] = {
    "name": pgettext_lazy("audit field", "name"),
    "title": pgettext_lazy("audit field", "title"),
    "summary": pgettext_lazy("audit field", "summary"),
    "description": pgettext_lazy("audit field", "description"),
    "unit": pgettext_lazy("audit field", "unit"),
    "higher_is_better": pgettext_lazy("audit field", "higher is better"),
    "baseline_value": pgettext_lazy("audit field", "baseline value"),
    "baseline_date": pgettext_lazy("audit field", "baseline date"),
    "target_value": pgettext_lazy("audit field", "target value"),
    "target_date": pgettext_lazy("audit field", "target date"),
    "on_pace_tolerance": pgettext_lazy("audit field", "on pace tolerance"),
    "at_risk_tolerance": pgettext_lazy("audit field", "at risk tolerance"),
    "milestones": pgettext_lazy("audit field", "milestones"),
    "current_state": pgettext_lazy("audit field", "current state"),
    "problem": pgettext_lazy("audit field", "problem"),
    "desired_state": pgettext_lazy("audit field", "desired state"),
    "leader": pgettext_lazy("audit field", "leader"),
    "support_team": pgettext_lazy("audit field", "support team"),
    "start_date": pgettext_lazy("audit field", "start date"),
    "stage": pgettext_lazy("audit field", "stage"),
    "monthly_review_months": pgettext_lazy("audit field", "monthly review months"),
    "review_interval_months": pgettext_lazy("audit field", "review interval months"),
    "item": pgettext_lazy("audit field", "item"),
    "date": pgettext_lazy("audit field", "date"),
    "value": pgettext_lazy("audit field", "value"),
    "note": pgettext_lazy("audit field", "note"),
    "source": pgettext_lazy("audit field", "source"),
    "kind": pgettext_lazy("audit field", "kind"),
    "body": pgettext_lazy("audit field", "body"),
    "tags": pgettext_lazy("audit field", "tags"),
    "owner": pgettext_lazy("audit field", "owner"),
    "objective": pgettext_lazy("audit field", "objective"),
    "status": pgettext_lazy("audit field", "status"),
    "due_date": pgettext_lazy("audit field", "due date"),
    "position": pgettext_lazy("audit field", "position"),
    "revision": pgettext_lazy("audit field", "revision"),
    "rationale": pgettext_lazy("audit field", "rationale"),
    "goals": pgettext_lazy("audit field", "goals"),
    "role": pgettext_lazy("audit field", "role"),
    "email": pgettext_lazy("audit field", "email"),
    "scope": pgettext_lazy("audit field", "scope"),
    "created": pgettext_lazy("audit field", "created"),
    "skipped": pgettext_lazy("audit field", "skipped"),
    "import": pgettext_lazy("audit field", "import"),
    "file": pgettext_lazy("audit field", "file"),
    "time_zone": pgettext_lazy("audit field", "time zone"),
    "language": pgettext_lazy("audit field", "language"),
    "prompt": pgettext_lazy("audit field", "prompt"),
    "influence": pgettext_lazy("audit field", "influence"),
    "interest": pgettext_lazy("audit field", "interest"),
    "support": pgettext_lazy("audit field", "support"),
    "people": pgettext_lazy("audit field", "people"),
    "active": pgettext_lazy("audit field", "active"),
    "meeting_cadence": pgettext_lazy("audit field", "meeting cadence"),
    "communication_plan": pgettext_lazy("audit field", "communication plan"),
    "kickoff_on": pgettext_lazy("audit field", "kickoff"),
    "people_per_champion": pgettext_lazy("audit field", "people per champion"),
    "change_makers": pgettext_lazy("audit field", "Change-Makers"),
    "change_sponsors": pgettext_lazy("audit field", "Change Sponsors"),
    "onlookers": pgettext_lazy("audit field", "Onlookers"),
    "change_adopters": pgettext_lazy("audit field", "Change Adopters"),
    "tactic": pgettext_lazy("audit field", "tactic"),
    "due_on": pgettext_lazy("audit field", "due"),
    "starts_at": pgettext_lazy("audit field", "starts"),
    "person": pgettext_lazy("audit field", "person"),
}


class AuditError(RuntimeError):
    """``record`` was called outside a transaction."""


def record(
    *,
    organisation: Organisation | int,
    actor: User | None,
    verb: str,
    target: Target,
    changes: Mapping[str, Any] | None = None,
    initiative_id: int | None = None,
) -> AuditEntry:
    """Store one entry: ``actor`` did ``verb`` to ``target`` in ``organisation``.

    Call it inside the service's ``transaction.atomic()``, so the entry and the change
    commit together or not at all (``AuditError`` otherwise). ``target`` is a saved model
    instance (its type is the model's name) or a ``(type, id)`` pair; ``changes`` is
    ``{field: [old, new]}`` for an update (see ``snapshot`` and ``diff``) or a few facts
    for other writes, made JSON-safe here. ``organisation`` may be given as its id, so a
    service need not load it. One INSERT; nothing is read.
    """
    if not transaction.get_connection().in_atomic_block:
        raise AuditError(f"audit.record({verb!r}) must run inside the service's transaction.")
    if isinstance(target, models.Model):
        target_type, target_id = target._meta.model_name or "", target.pk
    else:
        target_type, target_id = target
    if target_id is None:
        raise AuditError(f"audit.record({verb!r}): the target is not saved yet.")
    return AuditEntry.objects.create(
        organisation_id=organisation if isinstance(organisation, int) else organisation.pk,
        actor_id=actor.pk if actor is not None else None,
        verb=verb,
        target_type=target_type,
        target_id=target_id,
        initiative_id=initiative_id,
        changes={str(key): json_value(value) for key, value in (changes or {}).items()},
    )


def record_row(
    row: models.Model,
    *,
    actor: User | None,
    verb: str,
    changes: Mapping[str, Any] | None = None,
    initiative_id: int | None = None,
) -> AuditEntry:
    """``record`` for a row that carries its ``organisation_id``: the row is the target, and
    its ``initiative_id`` (when it has one) the initiative, unless one is given."""
    return record(
        organisation=row.organisation_id,  # type: ignore[attr-defined]
        actor=actor,
        verb=verb,
        target=row,
        initiative_id=initiative_id or getattr(row, "initiative_id", None),
        changes=changes,
    )


# --- what changed ---------------------------------------------------------------------------


def json_value(value: Any) -> Json:
    """``value`` as JSON: dates as ISO strings, decimals and floats as numbers, rows as ids,
    choices as their value, long text cut to ``MAX_TEXT`` characters."""
    if value is None or isinstance(value, bool | int):
        return value.value if isinstance(value, Enum) else value
    if isinstance(value, Enum):
        return json_value(value.value)
    if isinstance(value, str):
        return value if len(value) <= MAX_TEXT else value[: MAX_TEXT - 1] + "…"
    if isinstance(value, float | Decimal):
        number = float(value)
        return number if math.isfinite(number) else str(value)
    if isinstance(value, dt.date | dt.time):  # datetimes are dates too
        return value.isoformat()
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, Mapping):
        return {str(k): json_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [json_value(v) for v in value]
        return sorted(items, key=repr) if isinstance(value, set | frozenset) else items
    return json_value(str(value))


def snapshot(instance: models.Model, fields: Iterable[str]) -> dict[str, Json]:
    """The JSON values of an allow-list of ``instance``'s fields, to ``diff`` later.

    A foreign key gives its id (no query); a many-to-many field its sorted ids (one query,
    or none when prefetched); a name that is not a field reads the attribute.
    """
    values: dict[str, Json] = {}
    for name in fields:
        try:
            field = instance._meta.get_field(name)
        except Exception:  # not a field: a property or a plain attribute
            values[name] = json_value(getattr(instance, name))
            continue
        if field.many_to_many:
            values[name] = sorted(related.pk for related in getattr(instance, name).all())
        elif field.is_relation:
            values[name] = json_value(getattr(instance, field.attname))  # type: ignore[union-attr]
        else:
            values[name] = json_value(getattr(instance, name))
    return values


def diff(before: Mapping[str, Json], after: Mapping[str, Json]) -> dict[str, list[Json]]:
    """``{field: [old, new]}`` for each field whose value differs, in ``after``'s order.

    A field only one side has counts as ``None`` on the other.
    """
    fields = list(after) + [name for name in before if name not in after]
    return {
        name: [before.get(name), after.get(name)]
        for name in fields
        if before.get(name) != after.get(name)
    }


# --- the sentence ---------------------------------------------------------------------------


def describe(entry: AuditEntry) -> str:
    """The entry as a sentence: "Ana Lopez updated goal #12: target value 80 → 85".

    Reads ``entry.actor``: select it with the entry (``core.selectors`` does).
    """
    actor = entry.actor.display_name if entry.actor else gettext("Someone")
    kind, _dot, action = entry.verb.partition(".")
    past = PAST_TENSE.get(action) or gettext("did “%(verb)s” to") % {"verb": entry.verb}
    target = gettext("%(type)s #%(id)s") % {
        "type": _named(TARGET_NAMES, entry.target_type),
        "id": entry.target_id,
    }
    words = {"actor": actor, "past": past, "target": target}
    if kind in (entry.target_type, f"{entry.target_type}s") or not action:
        sentence = gettext("%(actor)s %(past)s %(target)s") % words
    else:
        words["kind"] = _named(KIND_NAMES, kind)
        sentence = gettext("%(actor)s %(past)s %(kind)s for %(target)s") % words
    details = _details(entry.changes)
    if not details:
        return sentence
    return gettext("%(sentence)s: %(details)s") % {"sentence": sentence, "details": details}


def _named(names: Mapping[str, Promise], key: str) -> str:
    return str(names[key]) if key in names else key.replace("_", " ")


def _label(field: str) -> str:
    return _named(FIELD_LABELS, field.removesuffix("_id"))


def _shown(value: Json, *, quote: bool = True) -> str:
    if value is None or value == "" or value == []:
        return gettext("none")
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, float) and value.is_integer():
        return f"{value:.0f}"
    if isinstance(value, int | float):
        return f"{value:g}"
    if isinstance(value, list):
        return ", ".join(_shown(v, quote=False) for v in value)
    text = str(value) if not isinstance(value, dict) else ", ".join(value)
    text = text if len(text) <= 60 else text[:59] + "…"
    return f"“{text}”" if quote and not _looks_like_a_date(text) else text


def _looks_like_a_date(text: str) -> bool:
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _details(changes: Any) -> str:
    """The changes in the order of their field names: PostgreSQL's ``jsonb`` keeps no order
    of keys, and a sentence must read the same on every database. Keys starting with ``_``
    are bookkeeping for the services (a row's version), not said."""
    if not isinstance(changes, dict) or not changes:
        return ""
    parts = []
    for field, value in sorted(changes.items()):
        if field.startswith("_"):
            continue
        if isinstance(value, list) and len(value) == 2:
            parts.append(f"{_label(field)} {_shown(value[0])} → {_shown(value[1])}")
        else:
            parts.append(f"{_label(field)} {_shown(value)}")
    extra = len(parts) - MAX_SHOWN_CHANGES
    shown = ", ".join(parts[:MAX_SHOWN_CHANGES])
    if extra <= 0:
        return shown
    return gettext("%(shown)s and %(extra)s more") % {"shown": shown, "extra": extra}
