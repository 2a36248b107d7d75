"""Request bodies larger than any upload are refused before a byte of them is stored."""

from __future__ import annotations

from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import MemoryFileUploadHandler, TemporaryFileUploadHandler
from django.urls import reverse

from stepback.accounts.roles import Role
from stepback.core import uploads
from stepback.goals import imports
from stepback.goals.models import MeasurementImport
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
    assert response.status_code == 400
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
