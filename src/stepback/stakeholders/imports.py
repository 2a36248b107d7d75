"""Importing the stakeholder register from CSV or XLSX, all or nothing.

It reads the file with ``lib.tabular.read_table`` (the measurement import's reader, with its
size limits and zip-bomb checks) and takes the columns the export writes: ``name`` (needed),
``kind``, ``role_title``, ``unit``, ``contact``, ``notes``, matched case-insensitively. Every
row is checked first and every problem listed by its row number and column; only a file
without problems is stored, in one transaction, with one audit entry.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from stepback.accounts.models import Organisation, User
from stepback.core import audit
from stepback.lib.tabular import TableError, read_table, unguard_formula
from stepback.stakeholders.exports import EXPORT_HEADER
from stepback.stakeholders.models import Stakeholder, Unit

MAX_IMPORT_ROWS = 10_000
BATCH = 2000


@dataclass(frozen=True)
class Problem:
    row: int
    column: str
    message: str


class ImportRefused(Exception):
    """The file, or some of its rows, cannot be imported; nothing was stored."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problems")
        self.problems = problems


def _kinds() -> dict[str, str]:
    """Each kind by its value and by its label in the active language, lower-cased."""
    kinds = {value: value for value in Stakeholder.Kind.values}
    kinds.update({str(label).lower(): value for value, label in Stakeholder.Kind.choices})
    return kinds


@transaction.atomic
def stakeholders_import(
    *, organisation: Organisation, actor: User | None, filename: str, content: bytes
) -> int:
    """Add every row of the file to the register, or none (``ImportRefused`` lists why)."""
    try:
        table = read_table(content, filename)
    except TableError as error:
        raise ImportRefused([Problem(0, "", str(error))]) from error
    columns = {header.strip().lower(): n for n, header in enumerate(table.headers)}
    if "name" not in columns:
        raise ImportRefused(
            [Problem(table.header_row, "name", _("The file needs a “name” column."))]
        )
    if len(table.rows) > MAX_IMPORT_ROWS:
        message = _("Import at most %(count)s rows at a time.") % {"count": f"{MAX_IMPORT_ROWS:,}"}
        raise ImportRefused([Problem(0, "", message)])
    units = {unit.name.lower(): unit for unit in Unit.objects.filter(organisation=organisation)}
    kinds = _kinds()
    problems: list[Problem] = []
    people: list[Stakeholder] = []
    for number, cells in zip(table.row_numbers, table.rows, strict=True):
        values = {
            name: unguard_formula(cells[columns[name]])
            if columns.get(name, len(cells)) < len(cells)
            else ""
            for name in EXPORT_HEADER
        }
        unit_name = values["unit"].strip()
        if unit_name and unit_name.lower() not in units:
            problems.append(
                Problem(
                    number, "unit", _("There is no unit called “%(name)s”.") % {"name": unit_name}
                )
            )
        kind = kinds.get(values["kind"].strip().lower() or Stakeholder.Kind.PERSON)
        if kind is None:
            problems.append(Problem(number, "kind", _("Use person, group or organisation.")))
        person = Stakeholder(
            organisation=organisation,
            name=values["name"].strip(),
            kind=kind or Stakeholder.Kind.PERSON,
            role_title=values["role_title"].strip(),
            unit=units.get(unit_name.lower()),
            contact=values["contact"].strip(),
            notes=values["notes"],
        )
        try:
            person.full_clean(exclude=["organisation", "unit"])
        except ValidationError as error:
            problems += [
                Problem(number, field, message)
                for field, messages in error.message_dict.items()
                for message in messages
            ]
        people.append(person)
    if problems:
        raise ImportRefused(problems)
    Stakeholder.objects.bulk_create(people, batch_size=BATCH)
    audit.record(
        organisation=organisation,
        actor=actor,
        verb="stakeholder.import",
        target=("organisation", organisation.pk),
        changes={"created": len(people), "file": filename},
    )
    return len(people)
