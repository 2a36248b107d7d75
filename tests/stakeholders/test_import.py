"""Importing the register: every problem by row and column, all or nothing, and the export
imports again unchanged."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from stepback.accounts.roles import Role
from stepback.core.models import AuditEntry
from stepback.stakeholders.exports import register_csv_lines, register_xlsx
from stepback.stakeholders.imports import ImportRefused, stakeholders_import
from stepback.stakeholders.models import Stakeholder
from stepback.stakeholders.services import stakeholder_create, unit_create
from tests.conftest import Tenant

pytestmark = pytest.mark.django_db


def test_a_file_with_problems_stores_nothing_and_names_each_row(tenant: Tenant) -> None:
    unit_create(organisation=tenant.org, actor=None, name="Science")
    content = b"Name,Kind,Unit\nAma Mensah,person,Science\n,group,Science\nBen Cole,robot,Maths\n"
    with pytest.raises(ImportRefused) as refused:
        stakeholders_import(
            organisation=tenant.org, actor=None, filename="people.csv", content=content
        )
    found = {(p.row, p.column) for p in refused.value.problems}
    assert found == {(3, "name"), (4, "kind"), (4, "unit")}
    messages = {p.column: p.message for p in refused.value.problems}
    assert messages["unit"] == "There is no unit called “Maths”."
    assert not Stakeholder.objects.exists()
    assert not AuditEntry.objects.filter(verb="stakeholder.import").exists()


def test_a_file_without_a_name_column_is_refused(tenant: Tenant) -> None:
    with pytest.raises(ImportRefused) as refused:
        stakeholders_import(
            organisation=tenant.org, actor=None, filename="x.csv", content=b"who\nAma\n"
        )
    assert refused.value.problems[0].message == "The file needs a “name” column."


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_the_export_imports_again_unchanged(tenant: Tenant, kind: str) -> None:
    science = unit_create(organisation=tenant.org, actor=None, name="Science")
    stakeholder_create(
        organisation=tenant.org,
        actor=None,
        name="=Ama; Mensah",
        kind=Stakeholder.Kind.GROUP,
        role_title="Head of science",
        unit=science,
        contact="ama@example.org",
        notes="Worried about time",
    )
    before = list(
        Stakeholder.objects.values_list("name", "kind", "role_title", "unit", "contact", "notes")
    )
    if kind == "csv":
        content = "".join(register_csv_lines(tenant.org)).encode("utf-8")
    else:
        out = io.BytesIO()
        register_xlsx(tenant.org, out)
        content = out.getvalue()
    Stakeholder.objects.all().delete()
    assert (
        stakeholders_import(
            organisation=tenant.org, actor=None, filename=f"r.{kind}", content=content
        )
        == 1
    )
    after = list(
        Stakeholder.objects.values_list("name", "kind", "role_title", "unit", "contact", "notes")
    )
    assert after == before


def test_the_page_lists_the_problems_with_a_400(tenant: Tenant) -> None:
    client = tenant.client(Role.MEMBER)
    upload = SimpleUploadedFile("p.csv", b"name,kind\nAma,alien\n", content_type="text/csv")
    response = client.post(f"/o/{tenant.org.slug}/stakeholders/import/", {"file": upload})
    assert response.status_code == 400
    assert "Use person, group or organisation." in response.content.decode()
    good = SimpleUploadedFile("p.csv", b"name\nAma\nBen\n", content_type="text/csv")
    response = client.post(f"/o/{tenant.org.slug}/stakeholders/import/", {"file": good})
    assert response.status_code == 302
    assert Stakeholder.objects.filter(organisation=tenant.org).count() == 2
