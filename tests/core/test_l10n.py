"""Numbers, dates, messages, emails and API errors in the language of the person or school."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from stepback.accounts import services
from stepback.accounts.roles import Role
from stepback.core import l10n
from stepback.lib import formats
from stepback.tokens.models import ApiToken, hash_token
from tests.conftest import Tenant, make_goal, make_initiative

NBSP = "\xa0"


def test_it_writes_a_goal_number_with_its_unit_and_that_rule() -> None:
    with translation.override("en-gb"):
        assert l10n.goal_number(70.12, "%", 75, 50) == "70.1%"
        assert l10n.goal_number(1234.4, "teachers", 1200, 200) == "1,234 teachers"
        assert l10n.goal_number(None, "%", 75, 50) == "—"


@pytest.mark.parametrize(
    ("language", "number", "when"),
    [("en-gb", "1,234.5", "5 Mar 2025"), ("fr", f"1{NBSP}234,5", "5 mars 2025")],
)
def test_numbers_and_dates_follow_the_language(language: str, number: str, when: str) -> None:
    with translation.override(language):
        assert l10n.number(1234.5) == number
        assert l10n.quantity(62.5, "%") in ("62.5%", "62,5%")
        assert l10n.short_date(date(2025, 3, 5)) == when


@given(st.floats(min_value=-1e12, max_value=1e12, allow_nan=False))
def test_french_numbers_are_the_english_ones_with_french_separators(value: float) -> None:
    with translation.override("en-gb"):
        english = l10n.number(value)
    with translation.override("fr"):
        french = l10n.number(value)
    assert french == formats.with_separators(english, decimal=",", thousands=NBSP)
    assert float(french.replace(NBSP, "").replace(",", ".")) == float(english.replace(",", ""))


def api_client(tenant: Tenant, role: Role, **headers: str) -> Client:
    raw = ApiToken.generate_raw()
    ApiToken.objects.create(
        user=tenant.user(role),
        organisation=tenant.org,
        name="l10n",
        scope=ApiToken.Scope.WRITE,
        token_hash=hash_token(raw),
        hint=raw[:8],
    )
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}", headers=headers)


def test_the_api_answers_in_the_organisations_language(tenant: Tenant) -> None:
    goal = make_goal(make_initiative(tenant.org), baseline_date=date(2025, 1, 1))
    body = json.dumps({"items": [{"date": "2999-01-01", "value": 1}]})
    path = f"/api/v1/orgs/riverside/goals/{goal.pk}/measurements"
    api = api_client(tenant, Role.MEMBER, **{"Accept-Language": "en-GB"})
    english = api.post(path, body, content_type="application/json")
    assert english.status_code == 422
    assert english.json()["errors"][0]["message"] == "A measurement cannot be dated in the future."

    services.organisation_update(organisation=tenant.org, actor=None, changes={"language": "fr"})
    french = api.post(path, body, content_type="application/json")
    assert french.status_code == 422
    assert (
        french.json()["errors"][0]["message"] == "Une mesure ne peut pas être datée dans le futur."
    )
    assert french.json()["detail"] == "La requête n\u2019est pas valide."
    assert french["Content-Language"] == "fr"


def test_a_page_shows_numbers_and_messages_in_french(tenant: Tenant) -> None:
    services.organisation_update(organisation=tenant.org, actor=None, changes={"language": "fr"})
    goal = make_goal(make_initiative(tenant.org), baseline_date=date(2025, 1, 1))
    client = tenant.client(Role.MEMBER)
    url = f"/o/riverside/initiatives/{goal.initiative_id}/goals/{goal.pk}/"
    added = client.post(
        f"{url}measurements/", {"date": "2025-03-05", "value": "61.25"}, follow=True
    )
    html = added.content.decode()
    assert "61,25" in html and "5 mars 2025" in html
    assert "Ajouter une mesure" in html


def test_an_invitation_email_speaks_the_organisations_language(
    tenant: Tenant, django_capture_on_commit_callbacks: Any
) -> None:
    services.organisation_update(organisation=tenant.org, actor=None, changes={"language": "fr"})
    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_create(
            organisation=tenant.org,
            email="nouvelle@riverside.example",
            role=Role.MEMBER,
            invited_by=tenant.user(Role.ADMIN),
        )
    (email,) = mail.outbox
    assert "vous invite à rejoindre Riverside School" in email.body
    assert email.subject.endswith("sur Stepback")
