"""Request bodies larger than any upload are refused before a byte of them is stored."""

from __future__ import annotations

from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import MemoryFileUploadHandler, TemporaryFileUploadHandler
from django.test import Client
from django.urls import reverse

from stepback.accounts.roles import Role
from stepback.core import uploads
from stepback.goals import imports
from stepback.goals.models import MeasurementImport
from stepback.tokens.models import ApiToken
from tests.api.conftest import make_token
from tests.conftest import Tenant, make_goal, make_initiative


def test_it_leaves_room_for_the_largest_upload_a_page_accepts() -> None:
    assert uploads.MAX_REQUEST_BYTES > imports.MAX_UPLOAD_BYTES + 1024 * 1024


def test_it_refuses_an_oversized_upload_before_storing_it(
    tenant: Tenant, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(uploads, "MAX_REQUEST_BYTES", 10_000)
    goal = make_goal(make_initiative(tenant.org))
    url = reverse("goals:import_start", kwargs={"org": "riverside", "goal_id": goal.pk})
    content = b"date,value\n" + b"2024-03-04,62\n" * 2_000
    with (
        mock.patch.object(MemoryFileUploadHandler, "new_file") as kept,
        mock.patch.object(TemporaryFileUploadHandler, "new_file") as written,
    ):
        response = tenant.client(Role.MEMBER).post(
            url, {"file": SimpleUploadedFile("big.csv", content)}
        )
    assert response.status_code == 413
    kept.assert_not_called()
    written.assert_not_called()
    assert not MeasurementImport.objects.exists()


def test_it_still_takes_an_upload_under_the_limit(tenant: Tenant) -> None:
    goal = make_goal(make_initiative(tenant.org))
    url = reverse("goals:import_start", kwargs={"org": "riverside", "goal_id": goal.pk})
    content = b"date,value\n2024-03-04,62\n2024-03-11,63\n"
    response = tenant.client(Role.MEMBER).post(
        url, {"file": SimpleUploadedFile("small.csv", content)}
    )
    assert response.status_code == 302
    assert MeasurementImport.objects.get().row_count == 2


def _upload_of(size: int) -> bytes:
    """A multipart body of a CSV file of about ``size`` bytes."""
    boundary = "stepbackboundary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\n'
        "Content-Type: text/csv\r\n\r\ndate,value\n"
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    return head + b"2024-03-04,62\n" * ((size - len(head) - len(tail)) // 14) + tail


@pytest.mark.parametrize(("megabytes", "status"), [(30, 400), (33, 413), (100, 413)])
def test_a_file_over_the_limit_gets_the_same_friendly_message_whatever_its_size(
    tenant: Tenant, megabytes: int, status: int
) -> None:
    """Under the request cap the upload form says it (400); over it, so does a page of its
    own (413) before the CSRF check or anything else reads the body."""
    goal = make_goal(make_initiative(tenant.org))
    url = reverse("goals:import_start", kwargs={"org": "riverside", "goal_id": goal.pk})
    response = tenant.client(Role.MEMBER).post(
        url,
        _upload_of(megabytes * 2**20),
        content_type="multipart/form-data; boundary=stepbackboundary",
    )
    assert response.status_code == status
    assert imports.too_large_message(megabytes * 2**20) in response.content.decode()
    assert "Content-Security-Policy" in response
    assert not MeasurementImport.objects.exists()


def test_the_api_answers_413_for_a_body_too_large(tenant: Tenant) -> None:
    goal = make_goal(make_initiative(tenant.org))
    token = make_token(tenant.user(Role.LEADER), tenant.org, ApiToken.Scope.WRITE)
    for body in (b"x" * (33 * 2**20), _upload_of(33 * 2**20)):
        response = Client().post(
            f"/api/v1/orgs/riverside/goals/{goal.pk}/measurements",
            body,
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )
        assert response.status_code == 413
        assert "larger than 8 MB" in response.json()["detail"]
