from __future__ import annotations

from django import template
from django.forms import BoundField
from django.utils.safestring import SafeString, mark_safe

from stepback.core.markdown import render_markdown

register = template.Library()

_WIDGET_CLASSES = {
    "select": "form-select",
    "selectmultiple": "form-select",
    "checkbox": "form-check-input",
    "radioselect": "",
    "checkboxselectmultiple": "",
    "clearablefile": "form-control",
}


@register.filter
def bootstrap(field: BoundField) -> SafeString:
    """Render a form field's widget with Bootstrap's class and its error state."""
    css = _WIDGET_CLASSES.get(field.widget_type, "form-control")
    if field.errors:
        css += " is-invalid"
    attrs: dict[str, str | bool] = {"class": css.strip()} if css.strip() else {}
    if field.errors:
        attrs["aria-invalid"] = "true"
    if field.help_text:
        attrs["aria-describedby"] = f"{field.auto_id}_help"
    return field.as_widget(attrs=attrs)


@register.filter
def markdown(text: str) -> SafeString:
    return mark_safe(render_markdown(text))  # sanitised by nh3 in render_markdown
