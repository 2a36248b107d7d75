"""Error pages are Stepback's own templates, not Django's, when DEBUG is off."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import path

from stepback import urls as stepback_urls
from stepback.accounts.roles import Capability, Role
from stepback.core.access import OrgRequest, org_view, public_view
from tests.conftest import Tenant


@org_view(Capability.MANAGE_MEMBERS)
def admins_only(request: OrgRequest) -> HttpResponse:
    return HttpResponse("admins only")


@public_view
def broken(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug")


urlpatterns = [
    path("test-errors/o/<slug:org>/admins-only/", admins_only),
    path("test-errors/broken/", broken),
    *stepback_urls.urlpatterns,
]

pytestmark = pytest.mark.urls(__name__)


def test_it_runs_these_tests_with_debug_off() -> None:
    assert settings.DEBUG is False


def test_it_renders_our_404_page(tenant: Tenant) -> None:
    response = tenant.client(Role.MEMBER).get("/no-such-page/")

    assert response.status_code == 404
    assert response.templates[0].name == "404.html"
    assert b"Page not found" in response.content
    assert b"Stepback" in response.content


def test_it_renders_our_404_page_for_another_organisation(tenant: Tenant) -> None:
    response = tenant.client_for(tenant.outsider).get(
        f"/test-errors/o/{tenant.org.slug}/admins-only/"
    )

    assert response.status_code == 404
    assert b"Page not found" in response.content


def test_it_renders_our_403_page_with_the_reason(tenant: Tenant) -> None:
    response = tenant.client(Role.VIEWER).get(f"/test-errors/o/{tenant.org.slug}/admins-only/")

    assert response.status_code == 403
    assert response.templates[0].name == "403.html"
    assert b"You cannot do this" in response.content
    assert b"Your role (Viewer) cannot do this" in response.content


def test_it_lets_the_capable_role_through(tenant: Tenant) -> None:
    response = tenant.client(Role.ADMIN).get(f"/test-errors/o/{tenant.org.slug}/admins-only/")

    assert response.status_code == 200


def test_it_renders_our_500_page(db: None) -> None:
    client = Client(raise_request_exception=False)

    response = client.get("/test-errors/broken/")

    assert response.status_code == 500
    assert b"Something went wrong" in response.content
    assert b"a bug" not in response.content
