"""Writes to pulse surveys: surveys and questions, rounds and their invitations, responses,
closing a round (which feeds goals once).

Every survey is anonymous. A response stores its answers and its day; a personal link
records only that it was used, in the same transaction, with nothing that ties it to the
response it gave (docs/privacy.md).
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from stepback.accounts.models import User
from stepback.core import audit
from stepback.core.services import check_number, validate
from stepback.feedback import results
from stepback.feedback.models import (
    MAX_ITEM_LENGTH,
    Answer,
    Invitation,
    Question,
    QuestionKind,
    Response,
    Round,
    Survey,
)
from stepback.feedback.services import audit_day_only, plain_text, threshold_for
from stepback.goals.models import Goal
from stepback.goals.services import measurement_add
from stepback.initiatives.models import Initiative

MAX_INVITATIONS = 2000
MAX_QUESTIONS = 30
LIKERT_LABELS = (
    gettext_lazy("Strongly disagree"),
    gettext_lazy("Disagree"),
    gettext_lazy("Neither agree nor disagree"),
    gettext_lazy("Agree"),
    gettext_lazy("Strongly agree"),
)


def readiness_questions() -> list[dict[str, Any]]:
    """The starter template: readiness for change, in seven questions."""
    likert = [str(label) for label in LIKERT_LABELS]
    return [
        {
            "kind": QuestionKind.LIKERT,
            "text": _("I understand why we are making this change."),
            "choices": likert,
        },
        {
            "kind": QuestionKind.LIKERT,
            "text": _("I know what the change asks of me in my daily work."),
            "choices": likert,
        },
        {
            "kind": QuestionKind.LIKERT,
            "text": _("I feel confident I can work the new way."),
            "choices": likert,
        },
        {
            "kind": QuestionKind.LIKERT,
            "text": _("I get the support I need to make the change."),
            "choices": likert,
        },
        {
            "kind": QuestionKind.LIKERT,
            "text": _("My workload leaves me time to make the change."),
            "choices": likert,
        },
        {
            "kind": QuestionKind.SINGLE,
            "text": _("Where are you with the change?"),
            "choices": [
                _("Not started yet"),
                _("Trying it out"),
                _("Using it regularly"),
                _("Helping others with it"),
            ],
        },
        {
            "kind": QuestionKind.TEXT,
            "text": _("What would help you most right now?"),
            "required": False,
        },
    ]


TEMPLATES = {"readiness": readiness_questions}


@transaction.atomic
def survey_create(
    *,
    initiative: Initiative,
    actor: User | None,
    title: str,
    introduction: str = "",
    template: str = "",
) -> Survey:
    """A survey for the initiative, empty or from a starter template."""
    if template and template not in TEMPLATES:
        raise ValidationError({"template": _("Choose a template from the list.")})
    survey = Survey(
        organisation=initiative.organisation,
        initiative=initiative,
        title=title.strip(),
        introduction=introduction.strip(),
    )
    validate(survey, exclude=("organisation", "initiative"))
    survey.save()
    for position, question in enumerate(TEMPLATES[template]() if template else []):
        Question.objects.create(survey=survey, position=position, **question)
    audit.record(
        organisation=survey.organisation,
        actor=actor,
        verb="survey.create",
        target=survey,
        initiative_id=initiative.pk,
        changes={"title": survey.title, "template": template},
    )
    return survey


@transaction.atomic
def question_add(
    *,
    survey: Survey,
    actor: User | None,
    kind: str,
    text: str,
    choices: Sequence[str] = (),
    required: bool = True,
    goal: Goal | None = None,
) -> Question:
    """Add a question at the end; a Likert question without labels gets the usual five."""
    options = [plain_text(choice)[:100] for choice in choices if plain_text(choice)]
    if kind == QuestionKind.LIKERT and not options:
        options = [str(label) for label in LIKERT_LABELS]
    if kind == QuestionKind.LIKERT and len(options) != 5:
        raise ValidationError({"choices": _("A 5-point question needs exactly five labels.")})
    if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE) and not 2 <= len(options) <= 20:
        raise ValidationError({"choices": _("Give between 2 and 20 choices.")})
    if goal is not None and goal.initiative_id != survey.initiative_id:
        raise ValidationError({"goal": _("Choose a goal of this initiative.")})
    if goal is not None and kind not in (QuestionKind.LIKERT, QuestionKind.NUMBER):
        raise ValidationError({"goal": _("Only a 5-point or a number question can feed a goal.")})
    if survey.questions.count() >= MAX_QUESTIONS:
        raise ValidationError({"text": _("A survey has at most 30 questions.")})
    question = Question(
        survey=survey,
        position=survey.questions.count(),
        kind=kind,
        text=plain_text(text),
        choices=options if kind != QuestionKind.NUMBER and kind != QuestionKind.TEXT else [],
        required=required,
        goal=goal,
    )
    validate(question, exclude=("survey", "goal"))
    question.save()
    audit.record(
        organisation=survey.organisation,
        actor=actor,
        verb="survey.add_question",
        target=survey,
        initiative_id=survey.initiative_id,
        changes={"text": question.text, "kind": kind},
    )
    return question


def invitation_token(invitation: Invitation) -> str:
    """The personal link's secret, derived again from the row for each reminder."""
    return salted_hmac("feedback.invitation", f"{invitation.pk}:{invitation.salt}").hexdigest()[:32]


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def round_create(
    *,
    survey: Survey,
    actor: User | None,
    name: str,
    opens_on: date,
    closes_on: date,
    emails: Sequence[str] = (),
) -> Round:
    """Open a round: a public link, or personal links to ``emails``, which the worker's
    hourly ``invitations_send_due`` emails once the round opens."""
    clean = list(dict.fromkeys(email.strip().lower() for email in emails if email.strip()))
    for email in clean:
        try:
            validate_email(email)
        except ValidationError:
            raise ValidationError(
                {"emails": _("“%(email)s” is not an email address.") % {"email": email[:60]}}
            ) from None
    if len(clean) > MAX_INVITATIONS:
        raise ValidationError({"emails": _("Invite at most 2,000 people a round.")})
    if not survey.questions.exists():
        raise ValidationError({"name": _("Add a question to the survey first.")})
    round_ = Round(
        organisation=survey.organisation,
        survey=survey,
        name=name.strip(),
        opens_on=opens_on,
        closes_on=closes_on,
        personal=bool(clean),
    )
    validate(round_, exclude=("organisation", "survey"))
    round_.save()
    invitations = [Invitation(round=round_, email=email) for email in clean]
    for invitation in invitations:
        invitation.token_hash = token_hash(invitation.salt)  # replaced once the id is known
    Invitation.objects.bulk_create(invitations)
    for invitation in Invitation.objects.filter(round=round_):
        invitation.token_hash = token_hash(invitation_token(invitation))
        invitation.save(update_fields=["token_hash"])
    audit.record(
        organisation=survey.organisation,
        actor=actor,
        verb="round.create",
        target=round_,
        initiative_id=survey.initiative_id,
        changes={"name": round_.name, "invited": len(clean)},
    )
    return round_


def _parse(question: Question, raw: Any) -> dict[str, Any] | None:
    """One answer as stored, ``None`` when left empty; a ``ValidationError`` when wrong."""
    field = f"q{question.pk}"
    given = raw if isinstance(raw, list | tuple) else [] if raw is None else [raw]
    values = [v for v in given if v is not None and str(v).strip()]
    if not values:
        if question.required:
            raise ValidationError({field: _("Answer this question.")})
        return None
    if question.kind in (QuestionKind.LIKERT, QuestionKind.NUMBER):
        try:
            number = float(str(values[0]).replace(",", "."))
            check_number(number)
        except (ValueError, ValidationError):
            raise ValidationError({field: _("Give a number.")}) from None
        if question.kind == QuestionKind.LIKERT and number not in results.LIKERT_POINTS:
            raise ValidationError({field: _("Choose one of the five points.")})
        if not math.isfinite(number):
            raise ValidationError({field: _("Give a number.")})
        return {"number": number}
    if question.kind == QuestionKind.TEXT:
        text = plain_text(str(values[0]))
        if len(text) > MAX_ITEM_LENGTH:
            raise ValidationError({field: _("Keep it to 2,000 characters.")})
        return {"text": text} if text else None
    picked = [str(v) for v in values]
    if any(v not in question.choices for v in picked) or (
        question.kind == QuestionKind.SINGLE and len(picked) > 1
    ):
        raise ValidationError({field: _("Choose from the list.")})
    return {"choices": sorted(set(picked), key=question.choices.index)}


def round_for_token(token: str) -> tuple[Round, Invitation] | None:
    invitation = (
        Invitation.objects.select_related("round__survey", "round__organisation")
        .filter(token_hash=token_hash(token))
        .first()
    )
    return (invitation.round, invitation) if invitation else None


@transaction.atomic
def response_submit(
    *, round_: Round, answers: Mapping[str, Any], invitation: Invitation | None = None
) -> None:
    """Store one anonymous response; a personal round needs its unused invitation.

    Nothing returned: the caller learns nothing it could keep to find the response again.
    """
    today = round_.organisation.today()
    if not round_.is_open(today):
        raise ValidationError({"__all__": _("This survey round is closed.")})
    if round_.personal and invitation is None:
        raise ValidationError({"__all__": _("This round is answered through personal links.")})
    parsed: dict[Question, dict[str, Any]] = {}
    errors: dict[str, list[ValidationError]] = {}
    for question in round_.survey.questions.all():
        try:
            value = _parse(question, answers.get(f"q{question.pk}"))
        except ValidationError as error:
            error.update_error_dict(errors)
            continue
        if value is not None:
            parsed[question] = value
    if errors:
        raise ValidationError(errors)
    if not parsed:
        raise ValidationError({"__all__": _("Answer at least one question.")})
    if invitation is not None:
        used = Invitation.objects.filter(pk=invitation.pk, round=round_, used=False).update(
            used=True
        )
        if not used:
            raise ValidationError({"__all__": _("This personal link was already used.")})
    response = Response.objects.create(round=round_, submitted_on=today)
    Answer.objects.bulk_create(
        [Answer(response=response, question=q, **value) for q, value in parsed.items()]
    )
    entry = audit.record(
        organisation=round_.organisation_id,
        actor=None,
        verb="round.respond",
        target=round_,
        initiative_id=round_.survey.initiative_id,
    )
    audit_day_only(entry, today)


def goal_value(question: Question, round_: Round) -> float | None:
    """What a closed round adds to the question's goal: % agree, or the average."""
    stored = Answer.objects.filter(question=question, response__round=round_).values_list(
        "number", flat=True
    )
    numbers = [n for n in stored if n is not None]
    if len(numbers) < threshold_for(round_.organisation):
        return None
    if question.kind == QuestionKind.LIKERT:
        return results.likert(numbers).percent_agree
    return results.numeric(numbers).average


@transaction.atomic
def round_close(*, round_: Round, actor: User | None) -> Round:
    """Close the round and add each fed goal its measurement, once."""
    locked = Round.objects.select_for_update().get(pk=round_.pk)
    today = round_.organisation.today()
    fed: dict[str, float] = {}
    if not locked.fed_goals:
        day = min(locked.closes_on, today)
        for question in locked.survey.questions.filter(goal__isnull=False).select_related("goal"):
            assert question.goal is not None
            value = goal_value(question, locked)
            if value is None:
                continue
            measurement_add(
                goal=question.goal,
                actor=actor,
                date=day,
                value=value,
                note=locked.name,
                source=_("Survey: %(title)s") % {"title": locked.survey.title[:150]},
                replace=True,
            )
            fed[str(question.goal_id)] = value
    changed = not locked.closed or not locked.fed_goals
    Round.objects.filter(pk=locked.pk).update(closed=True, fed_goals=True)
    round_.closed = round_.fed_goals = True
    if changed:
        audit.record(
            organisation=round_.organisation_id,
            actor=actor,
            verb="round.close",
            target=round_,
            initiative_id=locked.survey.initiative_id,
            changes={"goals": fed},
        )
    return round_
