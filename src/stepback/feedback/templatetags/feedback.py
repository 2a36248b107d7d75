"""``{% question_field question values errors %}``: one survey question as form controls."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.inclusion_tag("feedback/_question.html")
def question_field(
    question: Any, values: dict[str, list[str]] | None, errors: dict[str, list[str]]
) -> dict[str, Any]:
    name = f"q{question.pk}"
    return {
        "question": question,
        "name": name,
        "given": (values or {}).get(name, []),
        "errors": errors.get(name, []),
        "points": list(zip(range(1, 6), question.choices, strict=False)),
    }
