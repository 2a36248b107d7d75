"""Tokens expire: 90 days unless chosen, refused with a clear 401 after their last day, and
their owners are emailed a week before."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from stepback.accounts.roles import Role
from stepback.core.models import AuditEntry
from stepback.tokens import services as token_services
from stepback.tokens.models import ApiToken
from stepback.tokens.services import (
    DEFAULT_LIFETIME_DAYS,
    MAX_LIFETIME_DAYS,
    WARN_DAYS_BEFORE,
    api_token_create,
)
from stepback.tokens.tasks import warn_expiring_tokens
from tests.api.conftest import call
from tests.conftest import Tenant

TODAY = timezone.localdate


def _token(tenant: Tenant, **kwargs: object) -> tuple[ApiToken, str]:
    return api_token_create(
        user=tenant.user(Role.MEMBER),
        organisation=tenant.org,
        name="Report script",
        scope=ApiToken.Scope.READ,
        **kwargs,  # type: ignore[arg-type]
    )


def test_it_lasts_ninety_days_unless_told(tenant: Tenant) -> None:
    token, _ = _token(tenant)
    assert token.expires_on == TODAY() + timedelta(days=DEFAULT_LIFETIME_DAYS)


@pytest.mark.parametrize("days", [0, -1, MAX_LIFETIME_DAYS + 1])
def test_it_refuses_a_last_day_out_of_range(tenant: Tenant, days: int) -> None:
    with pytest.raises(ValidationError) as refused:
        _token(tenant, expires_on=TODAY() + timedelta(days=days))
    assert "expires_on" in refused.value.message_dict
    assert not ApiToken.objects.exists()


def test_it_works_through_its_last_day_and_is_refused_after(tenant: Tenant) -> None:
    token, raw = _token(tenant, expires_on=TODAY() + timedelta(days=1))
    assert call("get", "/me", raw).status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_on=TODAY())
    assert call("get", "/me", raw).status_code == 200
    yesterday = TODAY() - timedelta(days=1)
    ApiToken.objects.filter(pk=token.pk).update(expires_on=yesterday)
    response = call("get", "/orgs/riverside", raw)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"] == (
        f"This token expired after {yesterday.isoformat()}. Create a new one on the API "
        "tokens page."
    )


def test_the_page_creates_a_token_with_the_lifetime_chosen(tenant: Tenant) -> None:
    client = tenant.client_for(tenant.user(Role.MEMBER))
    url = "/o/riverside/tokens/"
    response = client.post(url, {"name": "A", "scope": "read", "lifetime": "30"})
    assert response.status_code == 200
    assert ApiToken.objects.get(name="A").expires_on == TODAY() + timedelta(days=30)
    day = TODAY() + timedelta(days=200)
    response = client.post(
        url, {"name": "B", "scope": "read", "lifetime": "date", "expires_on": day.isoformat()}
    )
    assert ApiToken.objects.get(name="B").expires_on == day
    assert day.strftime("%b %Y") in response.content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"lifetime": "date"}, "Choose the token&#x27;s last day."),
        ({"lifetime": "date", "expires_on": "2001-01-01"}, "Choose a last day after today."),
        ({"lifetime": "forever"}, "Select a valid choice."),
    ],
)
def test_the_page_refuses_a_bad_lifetime(
    tenant: Tenant, data: dict[str, str], message: str
) -> None:
    client = tenant.client_for(tenant.user(Role.MEMBER))
    response = client.post("/o/riverside/tokens/", {"name": "A", "scope": "read", **data})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ApiToken.objects.exists()


def test_the_list_shows_when_each_token_expires(tenant: Tenant) -> None:
    _token(tenant, expires_on=TODAY() + timedelta(days=5))
    expired, _ = _token(tenant)
    ApiToken.objects.filter(pk=expired.pk).update(expires_on=TODAY() - timedelta(days=3))
    page = tenant.client_for(tenant.user(Role.MEMBER)).get("/o/riverside/tokens/")
    html = page.content.decode()
    assert (TODAY() + timedelta(days=5)).strftime("%-d %b %Y") in html
    assert "Expired" in html


def test_it_emails_the_owner_a_week_before_once(tenant: Tenant) -> None:
    soon, _ = _token(tenant, expires_on=TODAY() + timedelta(days=WARN_DAYS_BEFORE))
    _token(tenant, expires_on=TODAY() + timedelta(days=WARN_DAYS_BEFORE + 1))
    gone, _ = _token(tenant, expires_on=TODAY() + timedelta(days=2))
    ApiToken.objects.filter(pk=gone.pk).update(revoked_at=timezone.now())
    assert warn_expiring_tokens.call_local() == 1
    [email] = mail.outbox
    assert email.to == [tenant.user(Role.MEMBER).email]
    assert "Report script" in email.subject and "/o/riverside/tokens/" in email.body
    assert AuditEntry.objects.filter(verb="token.warn", target_id=soon.pk).count() == 1
    assert warn_expiring_tokens.call_local() == 0
    assert len(mail.outbox) == 1


def test_it_warns_the_others_when_one_warning_fails(
    tenant: Tenant, monkeypatch: pytest.MonkeyPatch
) -> None:
    tokens = [_token(tenant, expires_on=TODAY() + timedelta(days=3))[0] for _ in range(3)]
    real = token_services.send_mail

    def flaky(**kwargs: object) -> int:
        if len(mail.outbox) == 0 and not getattr(flaky, "failed", False):
            flaky.failed = True  # type: ignore[attr-defined]
            raise ConnectionError("mail server down")
        return real(**kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(token_services, "send_mail", flaky)
    assert warn_expiring_tokens.call_local() == 2
    assert len(mail.outbox) == 2
    unwarned = ApiToken.objects.filter(expiry_warned_at__isnull=True)
    assert unwarned.count() == 1 and unwarned.get().pk == tokens[0].pk
    assert warn_expiring_tokens.call_local() == 1
