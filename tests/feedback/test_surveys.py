"""Pulse surveys: rounds, personal one-time links that cannot be joined to answers,
closed rounds, thresholded results, and a round feeding a goal once."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client

from stepback.feedback import reports, services, surveys, tasks
from stepback.feedback.models import Answer, Invitation, QuestionKind, Response, Round, Survey
from stepback.goals.models import Measurement
from stepback.initiatives.models import Initiative
from tests.conftest import Tenant, make_goal


@pytest.fixture
def survey(initiative: Initiative) -> Survey:
    return surveys.survey_create(
        initiative=initiative, actor=None, title="Readiness", template="readiness"
    )


def _round(survey: Survey, emails: list[str] | None = None, **dates: date) -> Round:
    today = survey.organisation.today()
    return surveys.round_create(
        survey=survey,
        actor=None,
        name="Autumn",
        opens_on=dates.get("opens_on", today),
        closes_on=dates.get("closes_on", today + timedelta(days=7)),
        emails=emails or [],
    )


def _answers(survey: Survey, why: int, where: str = "Trying it out") -> dict[str, object]:
    values: dict[str, object] = {}
    for question in survey.questions.all():
        if question.kind == QuestionKind.LIKERT:
            values[f"q{question.pk}"] = [str(why)]
        elif question.kind == QuestionKind.SINGLE:
            values[f"q{question.pk}"] = [where]
    return values


def test_the_readiness_template_has_at_most_eight_questions(survey: Survey) -> None:
    questions = list(survey.questions.all())
    assert 1 <= len(questions) <= 8
    assert sum(q.kind == QuestionKind.LIKERT for q in questions) >= 4


def test_personal_links_are_emailed_once_and_reminded_on_days_three_and_five(
    survey: Survey,
) -> None:
    round_ = _round(survey, ["a@example.org", "b@example.org"])
    assert tasks.invitations_send_due.call_local() == 2
    assert tasks.invitations_send_due.call_local() == 0
    assert len(mail.outbox) == 2 and "/s/i/" in mail.outbox[0].body
    Invitation.objects.update(sent_on=round_.opens_on - timedelta(days=3))
    answered = Invitation.objects.get(email="a@example.org")
    surveys.response_submit(round_=round_, answers=_answers(survey, 4), invitation=answered)
    assert tasks.invitations_remind.call_local() == 1
    assert tasks.invitations_remind.call_local() == 0
    Invitation.objects.update(sent_on=round_.opens_on - timedelta(days=5))
    assert tasks.invitations_remind.call_local() == 1
    assert mail.outbox[-1].to == ["b@example.org"]


def test_a_personal_link_works_once(survey: Survey) -> None:
    round_ = _round(survey, ["a@example.org"])
    invitation = Invitation.objects.get()
    url = f"/s/i/{surveys.invitation_token(invitation)}/"
    data = {key: value for key, value in _answers(survey, 5).items()}
    assert Client().post(url, data).status_code == 200
    again = Client().post(url, data)
    assert b"already answered" in again.content
    assert Response.objects.filter(round=round_).count() == 1
    with pytest.raises(ValidationError, match="already used"):
        surveys.response_submit(round_=round_, answers=data, invitation=invitation)


def test_a_public_round_refuses_a_second_answer_from_the_same_browser(survey: Survey) -> None:
    round_ = _round(survey)
    client = Client()
    client.post(f"/s/{round_.key}/", _answers(survey, 4))
    assert b"already answered" in client.get(f"/s/{round_.key}/").content
    client.post(f"/s/{round_.key}/", _answers(survey, 4))
    assert Response.objects.count() == 1


def test_no_join_ties_an_invitation_to_its_response(survey: Survey) -> None:
    """Twenty people answer in a shuffled order, each giving their turn as a number: no
    column and no order of the stored rows gives that turn back."""
    turn = surveys.question_add(survey=survey, actor=None, kind=QuestionKind.NUMBER, text="Turn")
    round_ = _round(survey, [f"p{n}@example.org" for n in range(20)])
    invitations = list(Invitation.objects.order_by("pk"))
    random.Random(4).shuffle(invitations)
    for n, invitation in enumerate(invitations):
        answers = {**_answers(survey, 3), f"q{turn.pk}": [str(n)]}
        surveys.response_submit(round_=round_, answers=answers, invitation=invitation)
    cursor = connection.cursor()
    columns = {
        table: [c.name for c in connection.introspection.get_table_description(cursor, table)]
        for table in ("feedback_invitation", "feedback_response", "feedback_answer")
    }
    assert set(columns["feedback_invitation"]) == {
        "id",
        "round_id",
        "email",
        "salt",
        "token_hash",
        "used",
        "reminders_sent",
        "sent_on",
    }
    assert set(columns["feedback_response"]) == {"id", "round_id", "submitted_on"}
    assert set(columns["feedback_answer"]) == {
        "id",
        "response_id",
        "question_id",
        "number",
        "text",
        "choices",
    }
    assert Invitation.objects.filter(used=True).count() == 20
    assert Response.objects.values("submitted_on").distinct().count() == 1
    in_turn = list(range(20))
    by_response_id = [
        int(a.number) for a in Answer.objects.filter(question=turn).order_by("response_id")
    ]
    by_answer_id = [int(a.number) for a in Answer.objects.filter(question=turn).order_by("pk")]
    cursor.execute("SELECT id FROM feedback_response")
    stored_order = [row[0] for row in cursor.fetchall()]
    turns = {a.response_id: int(a.number) for a in Answer.objects.filter(question=turn)}
    assert sorted(by_response_id) == in_turn
    assert by_response_id != in_turn and by_answer_id != in_turn
    if connection.vendor == "sqlite":  # the table is kept in id order, and ids are random
        assert [turns[pk] for pk in stored_order] != in_turn
    # PostgreSQL keeps rows in the order they came (a known limit, docs/privacy.md): someone
    # reading the table without ORDER BY, as only a database administrator can, sees it.


def test_a_closed_round_takes_no_answer(survey: Survey) -> None:
    today = survey.organisation.today()
    round_ = _round(survey, opens_on=today - timedelta(days=9), closes_on=today - timedelta(days=2))
    response = Client().post(f"/s/{round_.key}/", _answers(survey, 4))
    assert response.status_code == 410
    assert not Response.objects.exists()


def test_required_questions_must_be_answered(survey: Survey) -> None:
    round_ = _round(survey)
    response = Client().post(f"/s/{round_.key}/", {})
    assert response.status_code == 400
    assert b"Answer this question." in response.content
    assert not Response.objects.exists()


def test_results_stay_hidden_below_the_threshold_and_show_from_it(survey: Survey) -> None:
    round_ = _round(survey)
    for why in (5, 4, 4, 2):
        surveys.response_submit(round_=round_, answers=_answers(survey, why))
    report = reports.round_results(round_)
    assert report.hidden and all(q.summary is None for q in report.questions)
    assert reports.as_dict(report)["responses"] is None
    surveys.response_submit(round_=round_, answers=_answers(survey, 1))
    report = reports.round_results(round_)
    first = report.questions[0].summary
    assert first is not None
    assert (first.answered, first.average, first.percent_agree) == (5, 3.2, 60.0)


def test_the_threshold_is_per_organisation_and_never_below_three(
    survey: Survey, tenant: Tenant
) -> None:
    with pytest.raises(ValidationError):
        services.threshold_set(organisation=tenant.org, actor=None, threshold=2)
    services.threshold_set(organisation=tenant.org, actor=None, threshold=3)
    round_ = _round(survey)
    for why in (5, 4, 4):
        surveys.response_submit(round_=round_, answers=_answers(survey, why))
    assert not reports.round_results(round_).hidden


def test_a_breakdown_hides_small_groups_and_a_neighbour(survey: Survey) -> None:
    round_ = _round(survey)
    groups = {"Not started yet": 2, "Trying it out": 6, "Using it regularly": 7}
    for where, count in groups.items():
        for _ in range(count):
            surveys.response_submit(round_=round_, answers=_answers(survey, 4, where))
    by = survey.questions.get(kind=QuestionKind.SINGLE)
    report = reports.round_results(round_, by=by)
    rows = {g.label: g.responses for g in report.questions[0].groups}
    assert rows["Not started yet"] is None and rows["Trying it out"] is None
    assert rows["Using it regularly"] == 7


def test_results_give_the_change_since_the_last_round(survey: Survey) -> None:
    today = survey.organisation.today()
    first = _round(
        survey, opens_on=today - timedelta(days=30), closes_on=today - timedelta(days=20)
    )
    Round.objects.filter(pk=first.pk).update(opens_on=today, closes_on=today)
    first.refresh_from_db()
    for why in (2, 2, 3, 3, 4):
        surveys.response_submit(round_=first, answers=_answers(survey, why))
    Round.objects.filter(pk=first.pk).update(opens_on=today - timedelta(days=30))
    second = _round(survey)
    for why in (4, 4, 4, 5, 3):
        surveys.response_submit(round_=second, answers=_answers(survey, why))
    assert reports.round_results(second).questions[0].change == 1.2  # 4.0 - 2.8


def test_a_closed_round_feeds_its_goal_once(survey: Survey, initiative: Initiative) -> None:
    goal = make_goal(initiative, "Staff who understand why", baseline_date=date(2024, 1, 1))
    question = survey.questions.order_by("position").first()
    assert question is not None
    question.goal = goal
    question.save()
    round_ = _round(survey)
    for why in (5, 4, 4, 2, 1):
        surveys.response_submit(round_=round_, answers=_answers(survey, why))
    surveys.round_close(round_=round_, actor=None)
    surveys.round_close(round_=round_, actor=None)
    assert tasks.rounds_close_due.call_local() == 0
    measurements = list(Measurement.objects.filter(goal=goal))
    assert [m.value for m in measurements] == [60.0]


def test_an_optional_question_left_out_stores_no_answer(survey: Survey) -> None:
    round_ = _round(survey)
    surveys.response_submit(round_=round_, answers=_answers(survey, 4))
    text = survey.questions.get(kind=QuestionKind.TEXT)
    assert not Answer.objects.filter(question=text).exists()
