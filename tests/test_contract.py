"""One write path: the web form and the API give the same answer to the same bad input.

Each case drives one write through both doors with the same bad input and compares the
answers: the form shows the message on its field (400), the API answers 422 naming the
field with the same message, and neither stores anything (rows and audit entries alike).
Messages about a milestone name it by its line in the form and by its place in the API's
list ("Line 2" and "Milestone 2" for the same second milestone); the rest is identical.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from stepback.accounts.models import Organisation
from stepback.accounts.roles import Role
from stepback.core.models import AuditEntry
from stepback.core.services import NUMBER_RANGE_MESSAGE
from stepback.feedback import services as feedback_services
from stepback.feedback import surveys as feedback_surveys
from stepback.feedback.models import Channel, FeedbackItem, Question, Round, Survey
from stepback.goals.models import Goal, Measurement, Milestone
from stepback.goals.services import measurement_add
from stepback.initiatives.models import Initiative
from stepback.observations.models import Observation
from stepback.ownership import services as ownership_services
from stepback.ownership.models import (
    LEADER_ITEMS,
    Barrier,
    CheckIn,
    Group,
    HandOff,
    LearningSprint,
)
from stepback.plans.models import Action, Objective, Revision
from stepback.plans.services import action_create
from stepback.stakeholders.models import Assessment, Leader, Stakeholder, Touchpoint
from stepback.stakeholders.services import stakeholder_create
from stepback.tokens.models import ApiToken, hash_token
from tests.conftest import Tenant, make_goal, make_initiative

Data = dict[str, Any]


@dataclass(frozen=True)
class World:
    tenant: Tenant
    initiative: Initiative
    goal: Goal
    theirs: Goal  # another organisation's goal

    @property
    def web(self) -> str:
        return f"/o/{self.tenant.org.slug}/initiatives/{self.initiative.pk}"

    @property
    def api(self) -> str:
        return f"/api/v1/orgs/{self.tenant.org.slug}"


@dataclass(frozen=True)
class Case:
    """One bad input, as the form posts it and as the API sends it."""

    web_path: Callable[[World], str]
    web_data: Callable[[World], Data]
    api_method: str
    api_path: Callable[[World], str]
    api_body: Callable[[World], Data]
    web_field: str
    api_field: str
    message: Callable[[World], str]
    unchanged: tuple[type, ...] = field(default=(Initiative, Goal, Milestone, Measurement))
    #: What the world holds before the input arrives, beyond the fixture.
    setup: Callable[[World], object] = lambda w: None
    role: Role = Role.LEADER


def _feedback_item(world: World) -> FeedbackItem:
    channel = Channel.objects.filter(initiative=world.initiative).first() or (
        feedback_services.channel_create(initiative=world.initiative, actor=None, name="Ideas")
    )
    return FeedbackItem.objects.filter(channel=channel).first() or (
        feedback_services.item_submit(channel=channel, body="An idea", anonymous=True).item
    )


def _survey(world: World) -> Survey:
    return Survey.objects.filter(initiative=world.initiative).first() or (
        feedback_surveys.survey_create(
            initiative=world.initiative, actor=None, title="Pulse", template="readiness"
        )
    )


TODAY = timezone.localdate()
FUTURE = TODAY + timedelta(days=400)


def goal_form(**overrides: Any) -> Data:
    data = {
        "name": "Attendance",
        "unit": "%",
        "direction": "higher",
        "baseline_value": "90",
        "baseline_date": "2025-01-01",
        "target_value": "95",
        "target_date": "2026-12-31",
        "on_pace_percent": "5",
        "at_risk_percent": "15",
    }
    data.update(overrides)
    return data


def goal_body(**overrides: Any) -> Data:
    body: Data = {
        "name": "Attendance",
        "unit": "%",
        "baseline_value": 90,
        "baseline_date": "2025-01-01",
        "target_value": 95,
        "target_date": "2026-12-31",
        "milestones": [],
    }
    body.update(overrides)
    return body


def milestones(*rows: tuple[str, float]) -> tuple[Data, list[Data]]:
    """The same milestones as the form's table rows and as the API's list."""
    return (
        {
            "milestones-date": [when for when, _ in rows],
            "milestones-value": [f"{value:g}" for _, value in rows],
        },
        [{"date": when, "value": value} for when, value in rows],
    )


DUPLICATE = milestones(("2025-06-30", 92), ("2025-06-30", 93))
AFTER_TARGET = milestones(("2025-06-30", 92), ("2027-06-30", 96))
HUGE_MILESTONE = milestones(("2025-06-30", 1e300))


def _ama(w: World) -> int:
    return Stakeholder.objects.get(organisation=w.tenant.org, name="Ama").pk


CASES: dict[str, Case] = {
    "duplicate milestone dates (new goal)": Case(
        web_path=lambda w: f"{w.web}/goals/new/",
        web_data=lambda w: goal_form(**DUPLICATE[0]),
        api_method="post",
        api_path=lambda w: f"{w.api}/initiatives/{w.initiative.pk}/goals",
        api_body=lambda w: goal_body(milestones=DUPLICATE[1]),
        web_field="milestones",
        api_field="milestones",
        message=lambda w: "Milestone 2: milestone 1 already has 2025-06-30.",
    ),
    "milestone after the target (changed goal)": Case(
        web_path=lambda w: f"{w.web}/goals/{w.goal.pk}/edit/",
        web_data=lambda w: goal_form(**AFTER_TARGET[0]),
        api_method="put",
        api_path=lambda w: f"{w.api}/goals/{w.goal.pk}",
        api_body=lambda w: goal_body(milestones=AFTER_TARGET[1]),
        web_field="milestones",
        api_field="milestones",
        message=lambda w: "Milestone 2: 2027-06-30 is not before the target date (2026-12-31).",
    ),
    "target date before the baseline": Case(
        web_path=lambda w: f"{w.web}/goals/new/",
        web_data=lambda w: goal_form(target_date="2024-12-31"),
        api_method="post",
        api_path=lambda w: f"{w.api}/initiatives/{w.initiative.pk}/goals",
        api_body=lambda w: goal_body(target_date="2024-12-31"),
        web_field="target_date",
        api_field="target_date",
        message=lambda w: "The target date must be after the baseline date.",
    ),
    "tolerances out of order": Case(
        web_path=lambda w: f"{w.web}/goals/new/",
        web_data=lambda w: goal_form(on_pace_percent="20", at_risk_percent="10"),
        api_method="post",
        api_path=lambda w: f"{w.api}/initiatives/{w.initiative.pk}/goals",
        api_body=lambda w: goal_body(on_pace_tolerance=0.2, at_risk_tolerance=0.1),
        web_field="at_risk_percent",
        api_field="at_risk_tolerance",
        message=lambda w: "The at-risk share must be at least the on-pace share (20%).",
    ),
    "a value too large to judge": Case(
        web_path=lambda w: f"{w.web}/goals/new/",
        web_data=lambda w: goal_form(target_value="1.7e308"),
        api_method="post",
        api_path=lambda w: f"{w.api}/initiatives/{w.initiative.pk}/goals",
        api_body=lambda w: goal_body(target_value=1.7e308),
        web_field="target_value",
        api_field="target_value",
        message=lambda w: NUMBER_RANGE_MESSAGE,
    ),
    "a baseline too large to judge": Case(
        web_path=lambda w: f"{w.web}/goals/{w.goal.pk}/edit/",
        web_data=lambda w: goal_form(baseline_value="-1e16"),
        api_method="put",
        api_path=lambda w: f"{w.api}/goals/{w.goal.pk}",
        api_body=lambda w: goal_body(baseline_value=-1e16),
        web_field="baseline_value",
        api_field="baseline_value",
        message=lambda w: NUMBER_RANGE_MESSAGE,
    ),
    "a milestone too large to judge": Case(
        web_path=lambda w: f"{w.web}/goals/new/",
        web_data=lambda w: goal_form(**HUGE_MILESTONE[0]),
        api_method="post",
        api_path=lambda w: f"{w.api}/initiatives/{w.initiative.pk}/goals",
        api_body=lambda w: goal_body(milestones=HUGE_MILESTONE[1]),
        web_field="milestones",
        api_field="milestones",
        message=lambda w: f"Milestone 1: {NUMBER_RANGE_MESSAGE}",
    ),
    "a measured value too large to judge": Case(
        web_path=lambda w: f"{w.web}/goals/{w.goal.pk}/measurements/",
        web_data=lambda w: {"date": TODAY.isoformat(), "value": "1.7e308"},
        api_method="post",
        api_path=lambda w: f"{w.api}/goals/{w.goal.pk}/measurements",
        api_body=lambda w: {"items": [{"date": TODAY.isoformat(), "value": 1.7e308}]},
        web_field="value",
        api_field="items[0].value",
        message=lambda w: NUMBER_RANGE_MESSAGE,
    ),
    "bounds in the wrong order (new goal)": Case(
        web_path=lambda w: f"{w.web}/goals/new/",
        web_data=lambda w: goal_form(lower_bound="100", upper_bound="0"),
        api_method="post",
        api_path=lambda w: f"{w.api}/initiatives/{w.initiative.pk}/goals",
        api_body=lambda w: goal_body(lower_bound=100, upper_bound=0),
        web_field="upper_bound",
        api_field="upper_bound",
        message=lambda w: "The upper bound must be above the lower bound.",
    ),
    "a target beyond the goal's upper bound": Case(
        web_path=lambda w: f"{w.web}/goals/new/",
        web_data=lambda w: goal_form(upper_bound="92.5"),
        api_method="post",
        api_path=lambda w: f"{w.api}/initiatives/{w.initiative.pk}/goals",
        api_body=lambda w: goal_body(upper_bound=92.5),
        web_field="target_value",
        api_field="target_value",
        message=lambda w: "Use a value of at most 92.5, the goal's upper bound.",
    ),
    "a measurement beyond the goal's upper bound": Case(
        web_path=lambda w: f"{w.web}/goals/{w.goal.pk}/measurements/",
        web_data=lambda w: {"date": "2025-06-01", "value": "100.5"},
        api_method="post",
        api_path=lambda w: f"{w.api}/goals/{w.goal.pk}/measurements",
        api_body=lambda w: {"items": [{"date": "2025-06-01", "value": 100.5}]},
        web_field="value",
        api_field="items[0].value",
        message=lambda w: "Use a value of at most 100, the goal's upper bound.",
    ),
    "a measurement dated 400 days ahead": Case(
        web_path=lambda w: f"{w.web}/goals/{w.goal.pk}/measurements/",
        web_data=lambda w: {"date": FUTURE.isoformat(), "value": "61"},
        api_method="post",
        api_path=lambda w: f"{w.api}/goals/{w.goal.pk}/measurements",
        api_body=lambda w: {"items": [{"date": FUTURE.isoformat(), "value": 61}]},
        web_field="date",
        api_field="items[0].date",
        message=lambda w: "A measurement cannot be dated in the future.",
    ),
    "another value on a date that has one": Case(
        setup=lambda w: measurement_add(goal=w.goal, actor=None, date=date(2025, 10, 1), value=46),
        web_path=lambda w: f"{w.web}/goals/{w.goal.pk}/measurements/",
        web_data=lambda w: {"date": "2025-10-01", "value": "48"},
        api_method="post",
        api_path=lambda w: f"{w.api}/goals/{w.goal.pk}/measurements",
        api_body=lambda w: {"items": [{"date": "2025-10-01", "value": 48}]},
        web_field="date",
        api_field="items[0].date",
        message=lambda w: "1 Oct 2025 already has 46% stored; a goal keeps one value a date.",
    ),
    "a leader from another organisation": Case(
        web_path=lambda w: f"/o/{w.tenant.org.slug}/initiatives/new/",
        web_data=lambda w: {
            "title": "Sneaky",
            "leader": w.tenant.outsider.pk,
            "start_date": "2025-01-01",
            "stage": "identify",
            "monthly_review_months": "3",
            "review_interval_months": "3",
        },
        api_method="post",
        api_path=lambda w: f"{w.api}/initiatives",
        api_body=lambda w: {"title": "Sneaky", "leader_id": w.tenant.outsider.pk},
        web_field="leader",
        api_field="leader_id",
        message=lambda w: f"User {w.tenant.outsider.pk} is not a member of this organisation.",
    ),
    "an observation linked to another organisation's goal": Case(
        web_path=lambda w: f"{w.web}/observations/new/",
        web_data=lambda w: {
            "date": TODAY.isoformat(),
            "kind": "visit",
            "title": "A visit",
            "goals": [w.theirs.pk],
        },
        api_method="post",
        api_path=lambda w: f"{w.api}/initiatives/{w.initiative.pk}/observations",
        api_body=lambda w: {"title": "A visit", "goal_ids": [w.theirs.pk]},
        web_field="goals",
        api_field="goal_ids",
        message=lambda w: f"Goal {w.theirs.pk} is not a goal of this initiative.",
        unchanged=(Observation,),
    ),
    "an observation dated in the future": Case(
        web_path=lambda w: f"{w.web}/observations/new/",
        web_data=lambda w: {"date": FUTURE.isoformat(), "kind": "visit", "title": "Later"},
        api_method="post",
        api_path=lambda w: f"{w.api}/initiatives/{w.initiative.pk}/observations",
        api_body=lambda w: {"title": "Later", "date": FUTURE.isoformat()},
        web_field="date",
        api_field="date",
        message=lambda w: "An observation cannot be dated in the future.",
        unchanged=(Observation,),
    ),
    "an action due before it starts": Case(
        web_path=lambda w: f"{w.web}/plan/actions/new/",
        web_data=lambda w: {
            "version": 1,
            "title": "Reading groups",
            "status": "not_started",
            "start_date": "2026-03-01",
            "due_date": "2026-02-01",
        },
        api_method="post",
        api_path=lambda w: f"{w.api}/initiatives/{w.initiative.pk}/plan/actions",
        api_body=lambda w: {
            "title": "Reading groups",
            "start_date": "2026-03-01",
            "due_date": "2026-02-01",
        },
        web_field="due_date",
        api_field="due_date",
        message=lambda w: "The due date must not be before the start date.",
        unchanged=(Action,),
    ),
    "an action linked to another organisation's goal": Case(
        web_path=lambda w: f"{w.web}/plan/actions/new/",
        web_data=lambda w: {
            "version": 1,
            "title": "Reading groups",
            "status": "not_started",
            "goals": [w.theirs.pk],
        },
        api_method="post",
        api_path=lambda w: f"{w.api}/initiatives/{w.initiative.pk}/plan/actions",
        api_body=lambda w: {"title": "Reading groups", "goal_ids": [w.theirs.pk]},
        web_field="goals",
        api_field="goal_ids",
        message=lambda w: f"Goal {w.theirs.pk} is not a goal of this initiative.",
        unchanged=(Action,),
    ),
    "an objective without a title": Case(
        web_path=lambda w: f"{w.web}/plan/objectives/new/",
        web_data=lambda w: {"version": 1, "title": " "},
        api_method="post",
        api_path=lambda w: f"{w.api}/initiatives/{w.initiative.pk}/plan/objectives",
        api_body=lambda w: {"title": " "},
        web_field="title",
        api_field="title",
        message=lambda w: "Give the objective a title.",
        unchanged=(Objective,),
    ),
    "a plan revision without a rationale": Case(
        web_path=lambda w: f"{w.web}/plan/revisions/new/",
        web_data=lambda w: {"base_number": 0, "rationale": " "},
        api_method="post",
        api_path=lambda w: f"{w.api}/initiatives/{w.initiative.pk}/plan/revisions",
        api_body=lambda w: {"base_number": 0, "rationale": " "},
        web_field="rationale",
        api_field="rationale",
        message=lambda w: "Say why the plan changes.",
        unchanged=(Revision,),
        setup=lambda w: action_create(initiative=w.initiative, actor=None, title="Library"),
    ),
    "too many monthly stepbacks": Case(
        web_path=lambda w: f"{w.web}/edit/",
        web_data=lambda w: {
            "title": "Learning Sprints",
            "start_date": "2025-01-01",
            "stage": "identify",
            "monthly_review_months": "30",
            "review_interval_months": "3",
        },
        api_method="patch",
        api_path=lambda w: f"{w.api}/initiatives/{w.initiative.pk}",
        api_body=lambda w: {"monthly_review_months": 30},
        web_field="monthly_review_months",
        api_field="monthly_review_months",
        message=lambda w: "Use at most 24 months of monthly stepbacks.",
    ),
    "an organisation's time zone that does not exist": Case(
        web_path=lambda w: f"/o/{w.tenant.org.slug}/settings/",
        web_data=lambda w: {"name": "Riverside School", "time_zone": "Mars/Olympus_Mons"},
        api_method="patch",
        api_path=lambda w: w.api,
        api_body=lambda w: {"time_zone": "Mars/Olympus_Mons"},
        web_field="time_zone",
        api_field="time_zone",
        message=lambda w: (
            "“Mars/Olympus_Mons” is not a time zone name. Choose one like Europe/Paris."
        ),
        unchanged=(Organisation,),
        role=Role.ADMIN,
    ),
    "an organisation without a name": Case(
        web_path=lambda w: f"/o/{w.tenant.org.slug}/settings/",
        web_data=lambda w: {"name": " ", "time_zone": ""},
        api_method="patch",
        api_path=lambda w: w.api,
        api_body=lambda w: {"name": " "},
        web_field="name",
        api_field="name",
        message=lambda w: "An organisation needs a name.",
        unchanged=(Organisation,),
        role=Role.ADMIN,
    ),
    "a feedback channel that closes before it opens": Case(
        web_path=lambda w: f"{w.web}/feedback/channels/new/",
        web_data=lambda w: {
            "name": "Ideas",
            "identity": "either",
            "opens_on": "2025-03-02",
            "closes_on": "2025-03-01",
        },
        api_method="post",
        api_path=lambda w: f"{w.api}/initiatives/{w.initiative.pk}/feedback-channels",
        api_body=lambda w: {"name": "Ideas", "opens_on": "2025-03-02", "closes_on": "2025-03-01"},
        web_field="closes_on",
        api_field="closes_on",
        message=lambda w: "The channel cannot close before it opens.",
        unchanged=(Channel,),
    ),
    "a feedback answer published without an answer": Case(
        web_path=lambda w: f"/o/{w.tenant.org.slug}/feedback/items/{_feedback_item(w).pk}/",
        web_data=lambda w: {"status": "done", "published": "on", "answer": " "},
        api_method="patch",
        api_path=lambda w: f"{w.api}/feedback-items/{_feedback_item(w).pk}",
        api_body=lambda w: {"published": True},
        web_field="published",
        api_field="published",
        message=lambda w: "Write an answer before publishing it.",
        unchanged=(FeedbackItem,),
        setup=_feedback_item,
    ),
    "a 5-point question with three labels": Case(
        web_path=lambda w: f"/o/{w.tenant.org.slug}/feedback/surveys/{_survey(w).pk}/questions/",
        web_data=lambda w: {"kind": "likert", "text": "Clear?", "choices": "No\nMaybe\nYes"},
        api_method="post",
        api_path=lambda w: f"{w.api}/surveys/{_survey(w).pk}/questions",
        api_body=lambda w: {"kind": "likert", "text": "Clear?", "choices": ["No", "Maybe", "Yes"]},
        web_field="choices",
        api_field="choices",
        message=lambda w: "A 5-point question needs exactly five labels.",
        unchanged=(Question,),
        setup=_survey,
    ),
    "a survey round that closes before it opens": Case(
        web_path=lambda w: f"/o/{w.tenant.org.slug}/feedback/surveys/{_survey(w).pk}/rounds/new/",
        web_data=lambda w: {"name": "Autumn", "opens_on": "2025-03-02", "closes_on": "2025-03-01"},
        api_method="post",
        api_path=lambda w: f"{w.api}/surveys/{_survey(w).pk}/rounds",
        api_body=lambda w: {"name": "Autumn", "opens_on": "2025-03-02", "closes_on": "2025-03-01"},
        web_field="closes_on",
        api_field="closes_on",
        message=lambda w: "The round cannot close before it opens.",
        unchanged=(Round,),
        setup=_survey,
    ),
    "a stakeholder without a name": Case(
        web_path=lambda w: f"/o/{w.tenant.org.slug}/stakeholders/new/",
        web_data=lambda w: {"name": " ", "kind": "person"},
        api_method="post",
        api_path=lambda w: f"{w.api}/stakeholders",
        api_body=lambda w: {"name": " "},
        web_field="name",
        api_field="name",
        message=lambda w: "Give the stakeholder a name.",
        unchanged=(Stakeholder,),
    ),
    "an influence above five": Case(
        setup=lambda w: stakeholder_create(
            organisation=w.tenant.org, actor=None, name="Ama", initiative=w.initiative
        ),
        web_path=lambda w: f"{w.web}/stakeholders/{_ama(w)}/assess/",
        web_data=lambda w: {"influence": "6", "interest": "3", "date": TODAY.isoformat()},
        api_method="post",
        api_path=lambda w: (
            f"{w.api}/initiatives/{w.initiative.pk}/stakeholders/{_ama(w)}/assessments"
        ),
        api_body=lambda w: {"influence": 6, "interest": 3},
        web_field="influence",
        api_field="influence",
        message=lambda w: "Ensure this value is less than or equal to 5.",
        unchanged=(Assessment,),
    ),
    "a leader without a name": Case(
        web_path=lambda w: f"{w.web}/leaders/new/",
        web_data=lambda w: {"name": " "},
        api_method="post",
        api_path=lambda w: f"{w.api}/initiatives/{w.initiative.pk}/leaders",
        api_body=lambda w: {"name": " "},
        web_field="name",
        api_field="name",
        message=lambda w: "Give the leader a name.",
        unchanged=(Leader,),
    ),
    "a touchpoint dated 400 days ahead": Case(
        setup=lambda w: stakeholder_create(
            organisation=w.tenant.org, actor=None, name="Ama", initiative=w.initiative
        ),
        web_path=lambda w: f"{w.web}/touchpoints/new/",
        web_data=lambda w: {
            "kind": "meeting",
            "date": FUTURE.isoformat(),
            "stakeholders": [_ama(w)],
            "sentiment": "0",
        },
        api_method="post",
        api_path=lambda w: f"{w.api}/initiatives/{w.initiative.pk}/touchpoints",
        api_body=lambda w: {"stakeholder_ids": [_ama(w)], "date": FUTURE.isoformat()},
        web_field="date",
        api_field="date",
        message=lambda w: "A touchpoint cannot be dated in the future.",
        unchanged=(Touchpoint,),
    ),
    "a group without a name": Case(
        web_path=lambda w: f"{w.web}/groups/new/",
        web_data=lambda w: {"name": " ", "checkin_every_days": "14"},
        api_method="post",
        api_path=lambda w: f"{w.api}/initiatives/{w.initiative.pk}/groups",
        api_body=lambda w: {"name": " "},
        web_field="name",
        api_field="name",
        message=lambda w: "Give the group a name.",
        unchanged=(Group,),
    ),
    "a Learning Sprint that ends before it starts": Case(
        web_path=lambda w: f"/o/{w.tenant.org.slug}/groups/{_group(w).pk}/sprints/new/",
        web_data=lambda w: {
            "phase": "prepare",
            "focus_question": "Do predictions help?",
            "starts_on": "2026-03-10",
            "ends_on": "2026-03-01",
        },
        api_method="post",
        api_path=lambda w: f"{w.api}/groups/{_group(w).pk}/sprints",
        api_body=lambda w: {
            "focus_question": "Do predictions help?",
            "starts_on": "2026-03-10",
            "ends_on": "2026-03-01",
        },
        web_field="ends_on",
        api_field="ends_on",
        message=lambda w: "The sprint must not end before it starts.",
        unchanged=(LearningSprint, CheckIn),
        setup=lambda w: _group(w),
    ),
    "a barrier that says nothing": Case(
        web_path=lambda w: f"/o/{w.tenant.org.slug}/groups/{_group(w).pk}/barriers/new/",
        web_data=lambda w: {"description": " "},
        api_method="post",
        api_path=lambda w: f"{w.api}/groups/{_group(w).pk}/barriers",
        api_body=lambda w: {"description": " "},
        web_field="description",
        api_field="description",
        message=lambda w: "Say what is in the way.",
        unchanged=(Barrier,),
        setup=lambda w: _group(w),
    ),
    "a check-in logged before it is held": Case(
        web_path=lambda w: (
            f"/o/{w.tenant.org.slug}/groups/{_group(w).pk}/checkins/{_checkin(w).pk}/"
        ),
        web_data=lambda w: {"held_on": FUTURE.isoformat(), "supporter_attended": "yes"},
        api_method="post",
        api_path=lambda w: f"{w.api}/groups/{_group(w).pk}/checkins/{_checkin(w).pk}/log",
        api_body=lambda w: {"held_on": FUTURE.isoformat(), "supporter_attended": True},
        web_field="held_on",
        api_field="held_on",
        message=lambda w: "A check-in cannot be logged before it is held.",
        unchanged=(CheckIn, Barrier),
        setup=lambda w: _checkin(w),
    ),
    "a hand-off paused without a reason": Case(
        web_path=lambda w: f"/o/{w.tenant.org.slug}/groups/{_group(w).pk}/handoff/pause/",
        web_data=lambda w: {"reason": " "},
        api_method="post",
        api_path=lambda w: f"{w.api}/groups/{_group(w).pk}/handoff/pause",
        api_body=lambda w: {"reason": " "},
        web_field="reason",
        api_field="reason",
        message=lambda w: "Say why: the group and the balance will show it.",
        unchanged=(HandOff, Group),
        setup=lambda w: _group(w),
    ),
}


def _group(w: World) -> Group:
    """The world's handed-off group, led by the owner, made once."""
    group = Group.objects.filter(initiative=w.initiative).first()
    if group is None:
        lead, leader = w.tenant.user(Role.OWNER), w.tenant.user(Role.LEADER)
        group = ownership_services.group_create(
            initiative=w.initiative, actor=None, name="Sprint group", leads=[lead]
        )
        ownership_services.handoff_confirm(
            group=group, actor=leader, checklist=list(LEADER_ITEMS), may_manage=True
        )
        ownership_services.handoff_confirm(group=group, actor=lead, may_manage=False)
    return group


def _checkin(w: World) -> CheckIn:
    group = _group(w)
    checkin = group.checkins.first()
    return checkin or CheckIn.objects.create(
        organisation=w.tenant.org, group=group, planned_on=TODAY
    )


@pytest.fixture
def world(tenant: Tenant) -> World:
    initiative = make_initiative(tenant.org, "Learning Sprints")
    goal = make_goal(
        initiative,
        "Reading",
        baseline_date=date(2025, 1, 1),
        target_date=date(2026, 12, 31),
        lower_bound=0.0,
        upper_bound=100.0,
    )
    theirs = make_goal(make_initiative(tenant.other_org, "Theirs"), "Their goal")
    return World(tenant=tenant, initiative=initiative, goal=goal, theirs=theirs)


def _api_client(tenant: Tenant, role: Role = Role.LEADER) -> Client:
    raw = ApiToken.generate_raw()
    ApiToken.objects.create(
        user=tenant.user(role),
        organisation=tenant.org,
        name="contract",
        scope=ApiToken.Scope.WRITE,
        token_hash=hash_token(raw),
        hint=raw[:8],
    )
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def _stored(models: tuple[type, ...]) -> dict[str, Any]:
    counts: dict[str, Any] = {m.__name__: m.objects.count() for m in models}  # type: ignore[attr-defined]
    counts["audit"] = AuditEntry.objects.count()
    counts["goals"] = sorted(Goal.objects.values_list("pk", "name", "target_date"))
    counts["initiatives"] = sorted(Initiative.objects.values_list("pk", "monthly_review_months"))
    counts["measurements"] = sorted(Measurement.objects.values_list("pk", "date", "value"))
    counts["organisations"] = sorted(Organisation.objects.values_list("pk", "name", "time_zone"))
    return counts


def _same_words(message: str) -> str:
    """A milestone's message with its name made neutral: "Line 2" and "Milestone 2" agree."""
    return re.sub(r"\b(line|row|milestone) (\d+)", r"#\2", str(message), flags=re.IGNORECASE)


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_the_form_and_the_api_refuse_the_same_input_with_the_same_message(
    case: Case, world: World
) -> None:
    case.setup(world)
    before = _stored(case.unchanged)
    web = world.tenant.client(case.role).post(case.web_path(world), case.web_data(world))
    api = _api_client(world.tenant, case.role)
    after_web = _stored(case.unchanged)
    answer = getattr(api, case.api_method)(
        case.api_path(world), json.dumps(case.api_body(world)), content_type="application/json"
    )

    assert web.status_code == 400, web.content[:500]
    web_messages = [_same_words(m) for m in web.context["form"].errors[case.web_field]]
    assert answer.status_code == 422, answer.content
    api_messages = [
        _same_words(error["message"])
        for error in answer.json()["errors"]
        if error["field"] == case.api_field
    ]
    expected = _same_words(case.message(world))
    assert expected in web_messages
    assert api_messages == web_messages
    # Nothing stored through either door (the API's token is made in between, on purpose).
    assert after_web == before
    assert _stored(case.unchanged) == before


def test_a_field_nobody_may_set_changes_nothing_through_either_door(world: World) -> None:
    """The form has no such field and ignores it; the API refuses it by name."""
    tenant, goal = world.tenant, world.goal
    form = goal_form(name="Renamed", organisation=tenant.other_org.pk, status="achieved")
    web = tenant.client(Role.LEADER).post(f"{world.web}/goals/{goal.pk}/edit/", form)
    assert web.status_code == 302
    goal.refresh_from_db()
    assert (goal.name, goal.organisation_id, goal.status) == (
        "Renamed",
        tenant.org.pk,
        "not_enough_data",
    )

    body = goal_body(name="Again", organisation_id=tenant.other_org.pk, status="achieved")
    answer = _api_client(tenant).put(
        f"{world.api}/goals/{goal.pk}", json.dumps(body), content_type="application/json"
    )
    assert answer.status_code == 422
    assert {e["field"] for e in answer.json()["errors"]} == {"organisation_id", "status"}
    goal.refresh_from_db()
    assert (goal.name, goal.organisation_id) == ("Renamed", tenant.org.pk)
