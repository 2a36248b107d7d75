import pytest
from stepback.accounts.models import Organisation, User
from stepback.demo import demo_load
from tests.e2e.conftest import sign_in_as
from tests.e2e.test_accessibility import audited_page, check_page, pages_for  # noqa: F401

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("email", ["admin@riverside.example", "member@riverside.example", "viewer@riverside.example"])
def test_tmp(audited_page, live_server, email):  # type: ignore[no-untyped-def]
    demo_load()
    org = Organisation.objects.get(slug="riverside")
    user = User.objects.get(email=email)
    urls = [u for u in pages_for(user, org) if any(k in u for k in ("stakeholders", "/map/", "touchpoints", "network", "leaders"))]
    print(len(urls), urls)
    sign_in_as(audited_page, live_server, email)
    problems = [p for url in urls for p in check_page(audited_page, url)]
    assert problems == [], "\n".join(problems)
