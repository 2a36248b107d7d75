"""The register, prompts, assessments with their history, and touchpoints."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError

from stepback.core.models import AuditEntry
from stepback.stakeholders import selectors
from stepback.stakeholders.models import Assessment, Prompt, Touchpoint
from stepback.stakeholders.quadrants import Quadrant
from stepback.stakeholders.services import (
    assessment_add,
    stakeholder_create,
    stakeholder_link,
    touchpoint_create,
    unit_create,
)
from tests.conftest import Tenant, make_initiative
from tests.stakeholders.helpers import link_of, make_stakeholder, make_unit

pytestmark = pytest.mark.django_db


def test_a_re_assessment_keeps_the_history_and_the_link_shows_the_newest(tenant: Tenant) -> None:
    initiative = make_initiative(tenant.org)
    person = make_stakeholder(initiative)
    link = link_of(initiative, person)
    assessment_add(link=link, actor=None, influence=2, interest=2, date=date(2025, 1, 10))
    assessment_add(link=link, actor=None, influence=4, interest=5, support=5, date=date(2025, 6, 1))
    # An older assessment entered late changes the history, not the latest standing.
    assessment_add(link=link, actor=None, influence=1, interest=1, date=date(2025, 3, 1))
    link.refresh_from_db()
    assert (link.influence, link.interest, link.support) == (4, 5, 5)
    assert link.quadrant is Quadrant.CHANGE_MAKERS
    assert Assessment.objects.filter(link=link).count() == 3
    assert selectors.positions_on(initiative, date(2025, 2, 1)) == {person.pk: (2, 2)}
    assert selectors.positions_on(initiative, date(2025, 3, 31)) == {person.pk: (1, 1)}


@pytest.mark.parametrize(("influence", "interest"), [(0, 3), (3, 6)])
def test_a_score_outside_one_to_five_is_refused_and_nothing_is_stored(
    tenant: Tenant, influence: int, interest: int
) -> None:
    initiative = make_initiative(tenant.org)
    link = link_of(initiative, make_stakeholder(initiative))
    with pytest.raises(ValidationError) as caught:
        assessment_add(link=link, actor=None, influence=influence, interest=interest)
    assert set(caught.value.error_dict) == {"influence" if influence == 0 else "interest"}
    assert not Assessment.objects.exists()


def test_an_assessment_in_the_future_is_refused(tenant: Tenant) -> None:
    initiative = make_initiative(tenant.org)
    link = link_of(initiative, make_stakeholder(initiative))
    with pytest.raises(ValidationError, match="future"):
        assessment_add(
            link=link, actor=None, influence=3, interest=3, date=tenant.org.today() + timedelta(1)
        )


def test_the_prompts_show_which_question_nobody_answers_yet(tenant: Tenant) -> None:
    initiative = make_initiative(tenant.org)
    make_stakeholder(initiative, prompt=Prompt.SOLUTION)
    make_stakeholder(initiative, prompt=Prompt.SOLUTION)
    make_stakeholder(initiative, prompt=Prompt.SPONSORSHIP)
    coverage = dict(selectors.prompt_coverage(initiative))
    assert coverage[Prompt.SOLUTION] == 2
    assert coverage[Prompt.SPONSORSHIP] == 1
    assert coverage[Prompt.AFFECTED] == 0


def test_one_touchpoint_for_many_stakeholders_updates_each_last_contact(tenant: Tenant) -> None:
    initiative = make_initiative(tenant.org)
    people = [make_stakeholder(initiative) for _ in range(3)]
    day = tenant.org.today() - timedelta(days=3)
    touchpoint_create(initiative=initiative, actor=None, stakeholders=people[:2], date=day)
    touchpoint_create(
        initiative=initiative, actor=None, stakeholders=people[:1], date=day - timedelta(days=10)
    )
    assert [link_of(initiative, p).last_contact_on for p in people] == [day, day, None]
    assert AuditEntry.objects.filter(verb="touchpoint.create").count() == 2


def test_a_touchpoint_refuses_someone_not_on_the_initiative(tenant: Tenant) -> None:
    initiative = make_initiative(tenant.org)
    stranger = stakeholder_create(organisation=tenant.org, actor=None, name="Not linked")
    with pytest.raises(ValidationError) as caught:
        touchpoint_create(initiative=initiative, actor=None, stakeholders=[stranger])
    assert caught.value.message_dict["stakeholders"] == [
        f"Stakeholder {stranger.pk} is not on this initiative."
    ]
    assert not Touchpoint.objects.exists()


def test_another_organisation_s_unit_or_stakeholder_is_refused(tenant: Tenant) -> None:
    initiative = make_initiative(tenant.org)
    theirs = unit_create(organisation=tenant.other_org, actor=None, name="Theirs")
    with pytest.raises(ValidationError, match="not in this organisation"):
        stakeholder_create(organisation=tenant.org, actor=None, name="X", unit=theirs)
    their_person = stakeholder_create(organisation=tenant.other_org, actor=None, name="Y")
    with pytest.raises(ValidationError, match="not in this organisation"):
        stakeholder_link(initiative=initiative, stakeholder=their_person, actor=None)


def test_a_unit_filter_includes_its_sub_units(tenant: Tenant) -> None:
    initiative = make_initiative(tenant.org)
    school = make_unit(initiative, "School")
    science = make_unit(initiative, "Science", parent=school)
    physics = make_unit(initiative, "Physics", parent=science)
    other = make_unit(initiative, "Office")
    assert selectors.unit_with_descendants(tenant.org, science.pk) == {science.pk, physics.pk}
    assert selectors.unit_with_descendants(tenant.org, school.pk) == {
        school.pk,
        science.pk,
        physics.pk,
    }
    assert [(u.name, depth) for u, depth in selectors.units_in_order(tenant.org)] == [
        ("Office", 0),
        ("School", 0),
        ("Science", 1),
        ("Physics", 2),
    ]
    assert other.pk not in selectors.unit_with_descendants(tenant.org, school.pk)


def test_a_unit_name_is_unique_in_the_organisation(tenant: Tenant) -> None:
    initiative = make_initiative(tenant.org)
    make_unit(initiative, "Science")
    with pytest.raises(ValidationError, match="already has a unit"):
        make_unit(initiative, "science")
