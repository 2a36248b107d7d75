"""The words at the edges of a French page: a chart's legend, titles, description and month
names; an import's row-by-row problems; the API's type checks and problem titles."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.utils import translation

from stepback.accounts.roles import Role
from stepback.core import l10n
from stepback.core.api_errors import problem
from stepback.goals.chartdata import limit_points
from stepback.lib.charts import ProjectionBand, goal_chart_spec
from stepback.lib.tabular import (
    ColumnMapping,
    DateOrder,
    TableError,
    parse_date,
    parse_number,
    read_table,
    validate,
)
from stepback.lib.vega import render_svg
from tests.api.conftest import call, make_token
from tests.conftest import Tenant, make_goal, make_initiative


def _french_spec() -> dict[str, object]:
    with translation.override("fr"):
        return goal_chart_spec(
            title="Lecture",
            unit="points",
            measurements=[(date(2025, 1, 1), 1234.5), (date(2025, 6, 1), 1300.25)],
            planned_path=[(date(2025, 1, 1), 1234.5), (date(2026, 1, 1), 1400.0)],
            milestones=[(date(2025, 9, 1), 1350.0)],
            projection=ProjectionBand(date(2026, 1, 1), 1380.0, 1350.0, 1410.0),
            baseline=(date(2025, 1, 1), 1234.5),
            target=(date(2026, 1, 1), 1400.0),
            style=l10n.chart_style(1),
        )


def test_a_french_chart_speaks_french_in_its_legend_titles_and_description() -> None:
    spec = _french_spec()
    domain = spec["layer"][0]["encoding"]["color"]["scale"]["domain"]  # type: ignore[index]
    assert domain == [
        "Mesuré",
        "Trajectoire prévue",
        "Jalon",
        "Point de départ",
        "Cible",
        "Projection",
        "Fourchette probable",
    ]
    tooltip_titles = {
        field["title"]
        for layer in spec["layer"]  # type: ignore[attr-defined]
        for field in layer["encoding"].get("tooltip", [])
    }
    assert {"Série", "Date", "Valeur (points)", "Bas probable (points)"} <= tooltip_titles
    assert spec["encoding"]["x"]["title"] == "Date"  # type: ignore[index]
    description = str(spec["description"])
    assert description.startswith("Graphique de « Lecture » en points.")
    assert "2 mesures du 1 janvier 2025 (1\xa0234,5 points) au 1 juin 2025" in description
    assert "Cible 1\xa0400 points d\u2019ici le 1 janvier 2026." in description
    labels = [
        row["label"]
        for layer in spec["layer"]  # type: ignore[attr-defined]
        if layer["name"] in ("baseline_label", "target_label")
        for row in layer["data"]["values"]
    ]
    assert labels == ["Point de départ 1\xa0234,5 points", "Cible 1\xa0400 points"]


def test_a_french_chart_draws_french_month_names_and_separators() -> None:
    spec = _french_spec()
    assert spec["config"]["locale"]["number"]["decimal"] == ","  # type: ignore[index]
    texts = set(re.findall(r">([^<>]+)</text>", render_svg(spec)))
    assert {"avril", "juillet", "octobre"} <= texts  # the time axis's month names
    assert "1\xa0300" in texts  # the value axis groups thousands as French does
    assert not {"April", "July", "October", "Measured", "Planned path"} & texts


def test_the_note_under_an_averaged_chart_is_french() -> None:
    points = [(date(2024, 1, 1 + n % 28), float(n)) for n in range(59)]
    with translation.override("fr"):
        _, note = limit_points(points, max_points=10)
    assert note == "Le graphique montre les moyennes mensuelles de 59 mesures."


@pytest.mark.parametrize(
    ("parse", "message"),
    [
        (
            lambda: parse_date("2000-02-31", DateOrder.ISO),
            "'2000-02-31' n\u2019est pas une vraie date : février 2000 n\u2019a pas de jour 31",
        ),
        (lambda: parse_date("soon", DateOrder.ISO), "'soon' n\u2019est pas une date"),
        (lambda: parse_number("lots"), "'lots' n\u2019est pas un nombre"),
    ],
)
def test_an_imports_cell_problems_are_french(parse: object, message: str) -> None:
    with translation.override("fr"), pytest.raises(ValueError) as raised:
        parse()  # type: ignore[operator]
    assert str(raised.value) == message


def test_an_imports_row_and_file_problems_are_french() -> None:
    table = read_table(b"date,value\n2024-03-01,61\n2024-03-01,62\n2024-03-02,\n", "data.csv")
    with translation.override("fr"):
        preview = validate(table, ColumnMapping(date="date", value="value"), DateOrder.ISO)
        messages = [problem.message for problem in preview.problems]
        assert messages == [
            "une autre valeur pour le 2024-03-01 que la ligne 2 (61 là-bas, 62 ici)",
            "valeur manquante",
        ]
        with pytest.raises(TableError, match="Le fichier est vide"):
            read_table(b"  ", "data.csv")


def test_the_apis_type_checks_and_titles_are_french(tenant: Tenant) -> None:
    goal = make_goal(make_initiative(tenant.org), baseline_date=date(2025, 1, 1))
    token = make_token(tenant.user(Role.MEMBER), tenant.org, scope="write")
    path = f"/orgs/riverside/goals/{goal.pk}/measurements"
    body = {"items": [{"date": "2025-02-01", "value": "beaucoup", "colour": "red"}]}

    english = call("post", path, token, body, HTTP_ACCEPT_LANGUAGE="en-GB").json()
    assert english["title"] == "Unprocessable Content"
    assert "Extra inputs are not permitted" in {e["message"] for e in english["errors"]}

    french = call("post", path, token, body, HTTP_ACCEPT_LANGUAGE="fr").json()
    assert french["title"] == "Contenu impossible à traiter"
    messages = {e["field"]: e["message"] for e in french["errors"]}
    assert messages["items.0.colour"] == "Les champs supplémentaires ne sont pas acceptés"
    assert messages["items.0.value"].startswith("La valeur doit être un nombre valide")
    with translation.override("fr"):
        assert problem(404, "x")["title"] == "Introuvable"
        assert problem(418, "x")["title"] == "I'm a Teapot"  # a status the API never answers
