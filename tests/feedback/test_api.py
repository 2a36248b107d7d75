"""The feedback API: channels, items and answers, surveys, rounds and thresholded results."""

from __future__ import annotations

from stepback.accounts.roles import Role
from stepback.feedback import services, surveys
from stepback.feedback.models import Channel, FeedbackItem, QuestionKind
from stepback.initiatives.models import Initiative
from stepback.tokens.models import ApiToken
from tests.api.conftest import call, make_token
from tests.conftest import Tenant


def test_it_opens_a_channel_and_triages_its_items(tenant: Tenant, initiative: Initiative) -> None:
    token = make_token(tenant.user(Role.LEADER), tenant.org, ApiToken.Scope.WRITE)
    base = f"/orgs/{tenant.org.slug}"
    made = call(
        "post",
        f"{base}/initiatives/{initiative.pk}/feedback-channels",
        token,
        {"name": "Parent questions", "identity": "anonymous"},
    )
    assert made.status_code == 201, made.content
    channel = Channel.objects.get(pk=made.json()["id"])
    item = services.item_submit(channel=channel, body="When do reports come?", anonymous=True).item
    listed = call("get", f"{base}/initiatives/{initiative.pk}/feedback-items?q=reports", token)
    assert [i["id"] for i in listed.json()["items"]] == [item.pk]
    patched = call(
        "patch",
        f"{base}/feedback-items/{item.pk}",
        token,
        {
            "status": "done",
            "answer": "In the last week of term.",
            "published": True,
            "tags": ["Reports"],
        },
    )
    assert patched.status_code == 200, patched.content
    assert patched.json()["tags"] == ["reports"] and patched.json()["published"] is True
    wrong = call(
        "patch", f"{base}/feedback-items/{item.pk}", token, {"assignee_id": tenant.outsider.pk}
    )
    assert wrong.status_code == 422
    assert wrong.json()["errors"][0]["field"] == "assignee_id"
    assert FeedbackItem.objects.get().assignee_id is None


def test_results_through_the_api_respect_the_threshold(
    tenant: Tenant, initiative: Initiative
) -> None:
    token = make_token(tenant.user(Role.VIEWER), tenant.org)
    survey = surveys.survey_create(
        initiative=initiative, actor=None, title="Pulse", template="readiness"
    )
    today = tenant.org.today()
    round_ = surveys.round_create(
        survey=survey, actor=None, name="R1", opens_on=today, closes_on=today
    )
    likert = survey.questions.filter(kind=QuestionKind.LIKERT).first()
    assert likert is not None
    path = f"/orgs/{tenant.org.slug}/rounds/{round_.pk}/results"
    for _ in range(4):
        surveys.response_submit(
            round_=round_,
            answers={f"q{likert.pk}": ["4"]}
            | {
                f"q{q.pk}": ["4"] if q.kind == "likert" else [q.choices[0]]
                for q in survey.questions.exclude(kind="text")
            },
        )
    hidden = call("get", path, token).json()
    assert hidden["hidden"] is True and hidden["responses"] is None
    assert all(q["average"] is None for q in hidden["questions"])
    surveys.response_submit(
        round_=round_,
        answers={
            f"q{q.pk}": ["2"] if q.kind == "likert" else [q.choices[1]]
            for q in survey.questions.exclude(kind="text")
        },
    )
    shown = call("get", path, token).json()
    assert shown["responses"] == 5 and shown["questions"][0]["average"] == 3.6
    by = survey.questions.get(kind=QuestionKind.SINGLE)
    grouped = call("get", f"{path}?by_question_id={by.pk}", token).json()
    assert all(
        g["responses"] is None for g in grouped["questions"][0]["groups"] if g["label"] != "—"
    )
