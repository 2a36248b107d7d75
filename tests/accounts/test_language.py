"""The language of a page: the person's choice, else the organisation's, else the browser's."""

from __future__ import annotations

import pytest
from django.test import Client

from stepback.accounts import services
from stepback.accounts.roles import Role
from tests.conftest import Tenant

ENGLISH_BROWSER = {"Accept-Language": "en-GB,en;q=0.9"}
FRENCH_BROWSER = {"Accept-Language": "fr-CA,fr;q=0.9"}


def language_of(client: Client, url: str, headers: dict[str, str]) -> str:
    response = client.get(url, headers=headers)
    assert response.status_code == 200
    return str(response["Content-Language"])


def test_the_browser_chooses_for_someone_signed_out() -> None:
    assert language_of(Client(), "/accounts/login/", FRENCH_BROWSER) == "fr"
    assert language_of(Client(), "/accounts/login/", ENGLISH_BROWSER) == "en-gb"


def test_the_organisations_language_beats_the_browser(tenant: Tenant) -> None:
    services.organisation_update(organisation=tenant.org, actor=None, changes={"language": "fr"})
    client = tenant.client(Role.MEMBER)
    assert language_of(client, "/o/riverside/", ENGLISH_BROWSER) == "fr"
    # Pages outside the organisation follow the one the person last opened.
    assert language_of(client, "/accounts/preferences/", ENGLISH_BROWSER) == "fr"


def test_the_persons_choice_beats_the_organisation_and_the_browser(tenant: Tenant) -> None:
    services.organisation_update(organisation=tenant.org, actor=None, changes={"language": "fr"})
    client = tenant.client(Role.MEMBER)
    saved = client.post("/accounts/preferences/", {"language": "en-gb"})
    assert saved.status_code == 302
    assert language_of(client, "/o/riverside/", FRENCH_BROWSER) == "en-gb"
    assert language_of(client, "/accounts/preferences/", FRENCH_BROWSER) == "en-gb"


def test_a_person_chooses_french_on_the_preferences_page(tenant: Tenant) -> None:
    client = tenant.client(Role.VIEWER)
    page = client.get("/accounts/preferences/", headers=ENGLISH_BROWSER)
    assert [code for code, _ in page.context["form"].fields["language"].widget.choices] == [
        "",
        "en-gb",
        "fr",
    ]
    client.post("/accounts/preferences/", {"language": "fr"})
    tenant.user(Role.VIEWER).refresh_from_db()
    assert tenant.user(Role.VIEWER).language == "fr"
    page = client.get("/o/riverside/", headers=ENGLISH_BROWSER)
    assert page["Content-Language"] == "fr"
    assert '<html lang="fr">' in page.content.decode()
    assert "Tableau de bord" in page.content.decode()


@pytest.mark.parametrize("language", ["klingon", "de"])
def test_a_language_not_offered_is_refused(tenant: Tenant, language: str) -> None:
    client = tenant.client(Role.MEMBER)
    answer = client.post("/accounts/preferences/", {"language": language})
    assert answer.status_code == 400
    assert answer.context["form"].errors["language"] == ["Choose one of the languages offered."]
    tenant.user(Role.MEMBER).refresh_from_db()
    assert tenant.user(Role.MEMBER).language == ""
