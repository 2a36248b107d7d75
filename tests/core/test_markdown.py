"""The need for change is written in Markdown and shown safely: nothing runs, links are tame."""

from __future__ import annotations

import pytest
from django.template import Context, Template

from stepback.accounts.roles import Role
from stepback.core.markdown import render_markdown
from stepback.goals.templatetags.goals import percent, quantity
from stepback.initiatives import services
from tests.conftest import Tenant


def test_it_renders_basic_markdown() -> None:
    html = render_markdown("Scores are **flat**.\n\n- one\n- two\n\n*Why* it matters")
    assert "<strong>flat</strong>" in html
    assert "<ul>\n<li>one</li>" in html
    assert "<em>Why</em>" in html


def test_it_keeps_line_breaks_people_type() -> None:
    assert render_markdown("first line\nsecond line") == "<p>first line<br>\nsecond line</p>"


def test_it_moves_headings_below_the_page_headings() -> None:
    html = render_markdown("# Big\n\n### Small\n\n###### Tiny")
    assert "<h4>Big</h4>" in html
    assert "<h6>Small</h6>" in html
    assert "<h6>Tiny</h6>" in html
    assert "<h1>" not in html


@pytest.mark.parametrize(
    ("text", "forbidden"),
    [
        ("<script>alert('x')</script>", ["<script", "alert("]),
        ("Hi <SCRIPT SRC=https://evil.example/x.js></SCRIPT>", ["<script", "evil.example"]),
        ("[click](javascript:alert(1))", ["javascript:", "alert("]),
        ("[click](JaVaScRiPt:alert(1))", ["javascript:", "alert("]),
        ('<a href="javascript:alert(1)">x</a>', ["javascript:"]),
        ('<img src="x" onerror="alert(1)">', ["<img", "onerror"]),
        ("![pixel](https://tracker.example/p.gif)", ["<img", "tracker.example"]),
        ('<p onclick="alert(1)">hi</p>', ["onclick"]),
        ('<a href="https://ok.example" onmouseover="alert(1)">x</a>', ["onmouseover"]),
        ("<style>body{display:none}</style>", ["<style", "display:none"]),
        ('<iframe src="https://evil.example"></iframe>', ["<iframe", "evil.example"]),
        ("[x](data:text/html;base64,PHNjcmlwdD4=)", ["data:"]),
        ('<div style="position:fixed">x</div>', ["style=", "position:fixed"]),
    ],
)
def test_it_strips_anything_that_could_run_or_restyle_the_page(
    text: str, forbidden: list[str]
) -> None:
    html = render_markdown(text).lower()
    for needle in forbidden:
        assert needle.lower() not in html, html


def test_it_tames_links() -> None:
    html = render_markdown("[our plan](https://example.org/plan) or <mailto:lee@example.org>")
    assert '<a href="https://example.org/plan" rel="noopener noreferrer">our plan</a>' in html
    assert 'href="mailto:lee@example.org"' in html


def test_it_escapes_text_that_only_looks_like_html() -> None:
    assert render_markdown("5 < 6 & 7 > 2") == "<p>5 &lt; 6 &amp; 7 &gt; 2</p>"


def test_it_renders_nothing_for_empty_text() -> None:
    assert render_markdown("") == ""


def test_the_filter_marks_only_sanitised_html_safe() -> None:
    rendered = Template("{% load stepback %}{{ text|markdown }}").render(
        Context({"text": "**ok** <script>bad()</script>"})
    )
    assert "<strong>ok</strong>" in rendered
    assert "<script" not in rendered


def test_it_formats_quantities_and_percentages() -> None:
    assert quantity(62.5, "%") == "62.5%"
    assert quantity(12.0, "teachers") == "12 teachers"
    assert quantity(1234.567, "") == "1,234.57"
    assert quantity(None, "%") == "—"
    assert percent(0.05) == "5%"
    assert percent(0.125) == "12.5%"


def test_the_initiative_page_shows_the_need_for_change_safely(tenant: Tenant) -> None:
    initiative = services.initiative_create(
        actor=None,
        organisation=tenant.org,
        title="Reading",
        current_state="Scores are **flat**. <script>document.cookie</script>",
        problem='[Report](javascript:alert(1)) <img src=x onerror="alert(1)">',
        desired_state="[Plan](https://example.org/plan)",
    )
    response = tenant.client(Role.VIEWER).get(f"/o/{tenant.org.slug}/initiatives/{initiative.pk}/")
    html = response.content.decode()
    assert "<strong>flat</strong>" in html
    assert "document.cookie" not in html
    assert "javascript:" not in html
    assert "onerror" not in html
    assert 'href="https://example.org/plan" rel="noopener noreferrer"' in html
