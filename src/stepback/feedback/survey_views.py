"""Pulse survey pages: the team's surveys, questions, rounds and results; the public
answer page (a round's link, or a personal one-time link); the results threshold.

Results need only ``VIEW``: they are aggregates with the threshold applied.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.signing import BadSignature, Signer
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from stepback.accounts.roles import Capability
from stepback.core.access import OrgRequest, get_object_for_member, org_view, public_view
from stepback.core.pages import form_page
from stepback.feedback import services, surveys
from stepback.feedback.forms import QuestionForm, RoundForm, SurveyForm, ThresholdForm
from stepback.feedback.models import Invitation, Round, Survey
from stepback.feedback.reports import as_dict, hidden_message, round_results
from stepback.goals.exports import csv_lines
from stepback.initiatives.selectors import initiative_for_org
from stepback.lib.tabular import guard_formula

ANSWERED_COOKIE = "sb_answered"


@org_view()
@require_GET
def survey_list(request: OrgRequest, initiative_id: int) -> HttpResponse:
    initiative = initiative_for_org(request.org, initiative_id)
    found = initiative.surveys.prefetch_related("rounds").order_by("title", "id")
    return render(
        request,
        "feedback/surveys.html",
        {
            "initiative": initiative,
            "surveys": list(found[:200]),
            "can_manage": request.membership.can(Capability.MANAGE_INITIATIVES),
        },
    )


@org_view(Capability.MANAGE_INITIATIVES)
def survey_create(request: OrgRequest, initiative_id: int) -> HttpResponse:
    initiative = initiative_for_org(request.org, initiative_id)
    form = SurveyForm(request.POST or None, initial={"template": "readiness"})

    def save() -> HttpResponse:
        survey = surveys.survey_create(
            initiative=initiative, actor=request.membership.user, **form.cleaned_data
        )
        messages.success(request, _("The survey is saved."))
        return redirect("feedback:survey", org=request.org.slug, survey_id=survey.pk)

    return form_page(request, form, "feedback/survey_form.html", {"initiative": initiative}, save)


def _survey_context(request: OrgRequest, survey: Survey) -> dict[str, Any]:
    return {
        "survey": survey,
        "initiative": survey.initiative,
        "questions": list(survey.questions.select_related("goal")),
        "rounds": list(survey.rounds.order_by("-opens_on", "-id")),
        "can_manage": request.membership.can(Capability.MANAGE_INITIATIVES),
    }


def _survey(request: OrgRequest, survey_id: int) -> Survey:
    return get_object_for_member(
        request,
        Survey.objects.select_related("initiative").filter(initiative__isnull=False),
        survey_id,
    )


@org_view()
@require_GET
def survey_detail(request: OrgRequest, survey_id: int) -> HttpResponse:
    """The survey's questions and rounds; managers see the form to add a question."""
    survey = _survey(request, survey_id)
    context = _survey_context(request, survey)
    form = QuestionForm(initiative=survey.initiative) if context["can_manage"] else None
    return render(request, "feedback/survey.html", {"form": form, **context})


@org_view(Capability.MANAGE_INITIATIVES)
@require_POST
def question_add(request: OrgRequest, survey_id: int) -> HttpResponse:
    survey = _survey(request, survey_id)
    form = QuestionForm(request.POST, initiative=survey.initiative)

    def save() -> HttpResponse:
        surveys.question_add(survey=survey, actor=request.membership.user, **form.cleaned_data)
        messages.success(request, _("The question is added."))
        return redirect("feedback:survey", org=request.org.slug, survey_id=survey.pk)

    return form_page(request, form, "feedback/survey.html", _survey_context(request, survey), save)


@org_view(Capability.MANAGE_INITIATIVES)
def round_create(request: OrgRequest, survey_id: int) -> HttpResponse:
    survey = _survey(request, survey_id)
    today = request.org.today()
    form = RoundForm(
        request.POST or None,
        initial={"opens_on": today, "closes_on": today + timedelta(days=7)},
    )

    def save() -> HttpResponse:
        round_ = surveys.round_create(
            survey=survey, actor=request.membership.user, **form.cleaned_data
        )
        messages.success(request, _("The round is ready."))
        return redirect("feedback:round", org=request.org.slug, round_id=round_.pk)

    context = {"survey": survey, "initiative": survey.initiative}
    return form_page(request, form, "feedback/round_form.html", context, save)


def _round(request: OrgRequest, round_id: int) -> Round:
    return get_object_for_member(
        request, Round.objects.select_related("survey__initiative", "organisation"), round_id
    )


@org_view()
@require_GET
def round_detail(request: OrgRequest, round_id: int) -> HttpResponse:
    round_ = _round(request, round_id)
    questions = list(round_.survey.questions.all())
    by = next((q for q in questions if str(q.pk) == request.GET.get("by")), None)
    report = round_results(round_, by=by)
    return render(
        request,
        "feedback/round.html",
        {
            "round": round_,
            "survey": round_.survey,
            "initiative": round_.survey.initiative,
            "report": report,
            "hidden_message": hidden_message(report),
            "group_questions": [q for q in questions if q.kind == "single"],
            "link": request.build_absolute_uri(
                reverse("feedback:respond", kwargs={"round_key": round_.key})
            ),
            "is_open": round_.is_open(request.org.today()),
            "can_manage": request.membership.can(Capability.MANAGE_INITIATIVES),
        },
    )


@org_view(Capability.MANAGE_INITIATIVES)
@require_POST
def round_close(request: OrgRequest, round_id: int) -> HttpResponse:
    round_ = _round(request, round_id)
    surveys.round_close(round_=round_, actor=request.membership.user)
    messages.success(request, _("The round is closed."))
    return redirect("feedback:round", org=request.org.slug, round_id=round_.pk)


@org_view()
@require_GET
def round_export(request: OrgRequest, round_id: int) -> StreamingHttpResponse:
    """The round's results, threshold applied, one row a question (and group)."""
    data = as_dict(round_results(_round(request, round_id)))
    rows: list[list[object]] = [
        ["question", "group", "answered", "average", "percent_agree", "change"]
    ]
    for q in data["questions"]:
        rows.append([q["text"], "", q["answered"], q["average"], q["percent_agree"], q["change"]])
    cells = ([guard_formula("" if c is None else str(c)) for c in row] for row in rows)
    response = StreamingHttpResponse(csv_lines(cells), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="round-{round_id}.csv"'
    return response


@org_view(Capability.MANAGE_ORGANISATION)
def threshold_settings(request: OrgRequest) -> HttpResponse:
    form = ThresholdForm(
        request.POST or None, initial={"threshold": services.threshold_for(request.org)}
    )

    def save() -> HttpResponse:
        services.threshold_set(
            organisation=request.org,
            actor=request.membership.user,
            threshold=form.cleaned_data["threshold"],
        )
        messages.success(request, _("The threshold is saved."))
        return redirect("feedback:settings", org=request.org.slug)

    return form_page(request, form, "feedback/settings.html", {}, save)


# --- answering: open to anyone with the link -------------------------------------------------


def _answered(request: HttpRequest) -> set[str]:
    try:
        return set(
            Signer(salt="feedback.answered").unsign(request.COOKIES[ANSWERED_COOKIE]).split()
        )
    except (KeyError, BadSignature):
        return set()


def _respond(request: HttpRequest, round_: Round, invitation: Invitation | None) -> HttpResponse:
    timezone.activate(round_.organisation.zone)
    questions = list(round_.survey.questions.all())
    context = {"round": round_, "survey": round_.survey, "questions": questions, "errors": {}}
    if not round_.is_open(round_.organisation.today()):
        return render(request, "feedback/respond_closed.html", context, status=410)
    answered = _answered(request)
    used = invitation is not None and invitation.used
    if used or (invitation is None and round_.key in answered):
        return render(request, "feedback/respond_done.html", {**context, "again": True})
    if request.method != "POST":
        return render(request, "feedback/respond.html", context)
    values = {f"q{q.pk}": request.POST.getlist(f"q{q.pk}") for q in questions}
    try:
        surveys.response_submit(round_=round_, answers=values, invitation=invitation)
    except ValidationError as error:
        errors = {k: [str(m) for m in v] for k, v in error.message_dict.items()}
        context["general_errors"] = errors.pop("__all__", [])
        context["errors"] = errors
        context["values"] = values
        return render(request, "feedback/respond.html", context, status=400)
    response = render(request, "feedback/respond_done.html", context)
    if invitation is None:
        value = Signer(salt="feedback.answered").sign(" ".join(sorted(answered | {round_.key})))
        response.set_cookie(
            ANSWERED_COOKIE, value, max_age=60 * 60 * 24 * 400, httponly=True, samesite="Lax"
        )
    return response


@public_view
@never_cache
def round_respond(request: HttpRequest, round_key: str) -> HttpResponse:
    """A round's public link (a browser answers it once)."""
    round_ = get_object_or_404(
        Round.objects.select_related("survey", "organisation"), key=round_key
    )
    if round_.personal:
        raise Http404(_("This round is answered through personal links."))
    return _respond(request, round_, None)


@public_view
@never_cache
def invitation_respond(request: HttpRequest, invitation_token: str) -> HttpResponse:
    """A personal one-time link."""
    found = surveys.round_for_token(invitation_token)
    if found is None:
        raise Http404(_("This link is not known."))
    round_, invitation = found
    return _respond(request, round_, invitation)
