"""Terms of the method explained where a page first uses them (``{% term %}``)."""

from __future__ import annotations

import re

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.utils.html import escape

from stepback.accounts.roles import Role
from stepback.core.glossary import TERMS
from tests.conftest import Tenant, make_goal, make_initiative

TEMPLATE = Template(
    '{% load stepback %}<h2>Next {% term "stepback" "stepbacks" %}</h2>'
    '<p>Each {% term "stepback" %} looks at the {% term "pace" "pace" %}.</p>'
)


def _render() -> str:
    return TEMPLATE.render(Context({"request": RequestFactory().get("/")}))


def test_it_explains_a_term_the_first_time_and_then_just_says_it() -> None:
    html = _render()

    buttons = re.findall(
        r'<button type="button" class="sb-term-button" popovertarget="([^"]+)">', html
    )
    assert len(buttons) == 2  # stepbacks in the heading, pace; the second stepback is plain
    assert [f'id="{tip}" popover' in html for tip in buttons] == [True, True]
    assert html.count(escape(str(TERMS["stepback"][1]))) == 1
    assert "Each stepback looks at" in html


def test_it_gives_each_explanation_its_own_id_so_swapped_fragments_never_clash() -> None:
    first, second = (re.findall(r'popovertarget="([^"]+)"', _render())[0] for _ in range(2))
    assert first != second


def test_it_refuses_a_term_the_glossary_does_not_have() -> None:
    with pytest.raises(KeyError):
        Template('{% load stepback %}{% term "synergy" %}').render(Context({}))


@pytest.mark.parametrize(
    ("page", "terms"),
    [
        ("initiative", ["stepback", "stage", "checklist", "support_team", "target"]),
        ("goal", ["pace", "baseline", "target", "tolerance"]),
        ("goal_form", ["baseline", "target", "milestone", "tolerance"]),
    ],
)
def test_it_explains_the_method_on_the_pages_that_use_it(
    tenant: Tenant, page: str, terms: list[str]
) -> None:
    initiative = make_initiative(tenant.org, "Learning Sprints")
    goal = make_goal(initiative, "Reading")
    base = f"/o/{tenant.org.slug}/initiatives/{initiative.pk}/"
    url = {
        "initiative": base,
        "goal": f"{base}goals/{goal.pk}/",
        "goal_form": f"{base}goals/{goal.pk}/edit/",
    }[page]
    html = tenant.client(Role.LEADER).get(url).content.decode()
    for key in terms:
        assert escape(str(TERMS[key][1])) in html, key
