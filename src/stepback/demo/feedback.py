"""The demo's feedback and surveys (``feedback.json``): two channels of one initiative with
a few hundred items, some answered and some published as "you said, we did", and three
pulse survey rounds whose first question feeds a goal.

Everything goes in through the feedback services; the story's days are set on the rows
after (items and responses keep only a day). Items and answers are generated from the
file's phrases with a fixed seed, so every load tells the same story.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from stepback.demo.site import DemoSite, read_data
from stepback.feedback import services, surveys
from stepback.feedback.models import Channel, FeedbackItem, QuestionKind, Response, Round, Status
from stepback.goals.services import goal_create
from stepback.initiatives.models import Initiative

DATA: dict[str, Any] = read_data("feedback.json")
STATUSES = [Status.NEW, Status.NEW, Status.ACKNOWLEDGED, Status.IN_PROGRESS, Status.DONE]


def load(site: DemoSite, *, today: date | None = None) -> None:
    today = today or timezone.localdate()
    organisation = site.organisations[DATA["organisation"]]
    initiative = Initiative.objects.filter(
        organisation=organisation, title=DATA["initiative"]
    ).first()
    if initiative is None or Channel.objects.filter(initiative=initiative).exists():
        return
    rng = random.Random(14)
    for spec in DATA["channels"]:
        _channel(site, initiative, spec, today, rng)
    _survey(site, initiative, DATA["survey"], today, rng)


def _channel(
    site: DemoSite, initiative: Initiative, spec: dict[str, Any], today: date, rng: random.Random
) -> None:
    leader = site.people[DATA["leader"]]
    handler = site.people[DATA["handler"]]
    channel = services.channel_create(
        initiative=initiative,
        actor=leader,
        name=spec["name"],
        prompt=spec["prompt"],
        identity=spec["identity"],
    )
    site.tally(True)
    for n in range(spec["count"]):
        body = " ".join(
            part for part in (rng.choice(spec["openings"]), rng.choice(spec["ideas"])) if part
        ) + rng.choice(spec["reasons"])
        named = spec["identity"] == "either" and rng.random() < 0.3
        item = services.item_submit(
            channel=channel,
            body=body[0].upper() + body[1:],
            anonymous=not named,
            name=rng.choice(["Priya Shah", "Tom Walsh", "Grace Kim", "Leo Martin"])
            if named
            else "",
        ).item
        FeedbackItem.objects.filter(pk=item.pk).update(
            submitted_on=today - timedelta(days=int(rng.random() ** 1.5 * 150))
        )
        status = rng.choice(STATUSES)
        if n % 4 == 0 or status == Status.DONE:
            answer = rng.choice(spec["answers"])
            services.item_update(
                item=item,
                actor=handler,
                changes={
                    "status": Status.WONT_DO if "cannot change" in answer else Status.DONE,
                    "answer": answer,
                    "published": n % 3 == 0,
                    "assignee": handler,
                },
                tags=[spec["name"].split()[0].lower()],
            )
        elif status != Status.NEW:
            services.item_update(item=item, actor=handler, changes={"status": status})
        site.tally(True)


def _survey(
    site: DemoSite, initiative: Initiative, spec: dict[str, Any], today: date, rng: random.Random
) -> None:
    leader = site.people[DATA["leader"]]
    first_day = today - timedelta(days=spec["rounds"][0]["days_ago"] + 30)
    goal = goal_create(
        initiative=initiative,
        actor=leader,
        fields={
            "name": spec["goal"],
            "unit": "%",
            "baseline_value": 40.0,
            "baseline_date": first_day,
            "target_value": 85.0,
            "target_date": today + timedelta(days=200),
        },
    )
    survey = surveys.survey_create(
        initiative=initiative,
        actor=leader,
        title=spec["title"],
        introduction=spec["introduction"],
        template="readiness",
    )
    questions = list(survey.questions.all())
    questions[0].goal = goal
    questions[0].save(update_fields=["goal"])
    for round_spec in spec["rounds"]:
        round_ = surveys.round_create(
            survey=survey, actor=leader, name=round_spec["name"], opens_on=today, closes_on=today
        )
        for _ in range(round_spec["responses"]):
            surveys.response_submit(
                round_=round_, answers=_answers(questions, round_spec, spec, rng)
            )
        opens = today - timedelta(days=round_spec["days_ago"])
        Round.objects.filter(pk=round_.pk).update(
            opens_on=opens, closes_on=opens + timedelta(days=9)
        )
        Response.objects.filter(round=round_).update(submitted_on=opens + timedelta(days=2))
        round_.refresh_from_db()
        if round_.closes_on < today:
            surveys.round_close(round_=round_, actor=leader)
        site.tally(True)


def _answers(
    questions: list[Any], round_spec: dict[str, Any], spec: dict[str, Any], rng: random.Random
) -> dict[str, list[str]]:
    answers: dict[str, list[str]] = {}
    for question in questions:
        key = f"q{question.pk}"
        if question.kind == QuestionKind.LIKERT:
            point = round(rng.gauss(3 + round_spec["lean"], 1.0))
            answers[key] = [str(min(5, max(1, point)))]
        elif question.kind == QuestionKind.SINGLE:
            weights = [
                3 - round_spec["lean"] * 2,
                4,
                2 + round_spec["lean"] * 3,
                1 + round_spec["lean"],
            ]
            answers[key] = [rng.choices(question.choices, weights=weights)[0]]
        elif rng.random() < 0.4:
            answers[key] = [rng.choice(spec["comments"])]
    return answers
