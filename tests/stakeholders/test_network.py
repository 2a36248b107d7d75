"""The change network: nominating, the signed invitation link, answers, and coverage."""

from __future__ import annotations

import time
from typing import Any
from unittest import mock

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from stepback.core.models import AuditEntry
from stepback.stakeholders import selectors
from stepback.stakeholders.models import Champion
from stepback.stakeholders.network_services import (
    CHAMPION_LINK_MAX_AGE_SECONDS,
    champion_invite,
    champion_nominate,
    champion_respond,
    champion_sign,
    network_update,
)
from tests.conftest import Tenant, make_initiative
from tests.stakeholders.helpers import make_stakeholder, make_unit

pytestmark = pytest.mark.django_db


def _champion(tenant: Tenant) -> Champion:
    initiative = make_initiative(tenant.org)
    unit = make_unit(initiative, "Science", affected_people=60)
    person = make_stakeholder(initiative, "Ama Mensah", unit=unit)
    return champion_nominate(
        initiative=initiative, actor=None, stakeholder=person, unit=unit, email="ama@example.org"
    )


def _path(champion: Champion, age_seconds: int = 0) -> str:
    with mock.patch("django.core.signing.time.time", return_value=time.time() - age_seconds):
        signed = champion_sign(champion)
    return reverse("stakeholders:champion_respond", kwargs={"signed": signed})


def test_an_invitation_emails_a_link_that_accepts(
    tenant: Tenant, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        champion = champion_invite(champion=_champion(tenant), actor=None)
    assert champion.status == Champion.Status.INVITED
    (email,) = mail.outbox
    assert email.to == ["ama@example.org"]
    link = next(line for line in email.body.splitlines() if "/champions/" in line)
    path = link[link.index("/champions/") :]
    assert Client().get(path).status_code == 200
    response = Client().post(path, {"answer": "accept"})
    assert response.status_code == 200
    champion.refresh_from_db()
    assert champion.status == Champion.Status.CONFIRMED
    entry = AuditEntry.objects.get(verb="champion.accept")
    assert entry.actor is None


def test_a_link_declines(tenant: Tenant) -> None:
    champion = champion_invite(champion=_champion(tenant), actor=None)
    Client().post(_path(champion), {"answer": "decline"})
    champion.refresh_from_db()
    assert champion.status == Champion.Status.DECLINED


def test_a_tampered_link_is_refused_and_changes_nothing(tenant: Tenant) -> None:
    champion = champion_invite(champion=_champion(tenant), actor=None)
    signed = champion_sign(champion)
    tampered = reverse("stakeholders:champion_respond", kwargs={"signed": signed[:-2] + "xx"})
    response = Client().post(tampered, {"answer": "accept"})
    assert response.status_code == 400
    assert "not valid" in response.content.decode()
    champion.refresh_from_db()
    assert champion.status == Champion.Status.INVITED


def test_an_expired_link_is_refused(tenant: Tenant) -> None:
    champion = champion_invite(champion=_champion(tenant), actor=None)
    path = _path(champion, age_seconds=CHAMPION_LINK_MAX_AGE_SECONDS + 5)
    response = Client().post(path, {"answer": "accept"})
    assert response.status_code == 410
    assert "expired" in response.content.decode()
    champion.refresh_from_db()
    assert champion.status == Champion.Status.INVITED


def test_a_new_invitation_voids_the_old_link(tenant: Tenant) -> None:
    champion = champion_invite(champion=_champion(tenant), actor=None)
    old = _path(champion)
    champion_invite(champion=champion, actor=None)
    assert Client().post(old, {"answer": "accept"}).status_code == 410
    assert Client().post(_path(champion), {"answer": "accept"}).status_code == 200


def test_a_champion_without_an_email_cannot_be_invited(tenant: Tenant) -> None:
    champion = _champion(tenant)
    champion.email = ""
    with pytest.raises(Exception, match="email address"):
        champion_invite(champion=champion, actor=None)
    assert not mail.outbox


def test_coverage_counts_champions_against_the_ratio_and_names_units_without_one(
    tenant: Tenant,
) -> None:
    champion = _champion(tenant)  # Science: 60 affected, one champion
    initiative = champion.initiative
    pending = selectors.network_coverage(initiative, 25)[0]
    assert pending.uncovered, "a champion who has not confirmed covers nothing yet"
    champion_respond(champion=champion_invite(champion=champion, actor=None), accept=True)
    make_unit(initiative, "Maths", affected_people=20)
    network_update(initiative=initiative, actor=None, changes={"people_per_champion": 25})
    rows = {row.unit.name: row for row in selectors.network_coverage(initiative, 25)}
    assert (rows["Science"].needed, len(rows["Science"].active), rows["Science"].short_by) == (
        3,
        1,
        2,
    )
    assert rows["Maths"].uncovered and rows["Maths"].needed == 1
    assert not rows["Science"].uncovered


def test_a_declined_or_inactive_champion_leaves_the_unit_uncovered(tenant: Tenant) -> None:
    champion = _champion(tenant)
    champion.status = Champion.Status.DECLINED
    champion.save()
    (row,) = selectors.network_coverage(champion.initiative, 25)
    assert row.uncovered
