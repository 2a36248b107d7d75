from __future__ import annotations

import secrets

from django import template
from django.forms import BoundField
from django.template import Context
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from stepback.accounts.models import Membership
from stepback.accounts.roles import Capability
from stepback.core.audit import describe
from stepback.core.glossary import TERMS
from stepback.core.markdown import render_markdown
from stepback.core.models import AuditEntry

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


@register.filter
def can(membership: Membership | None, capability: str) -> bool:
    """Whether the membership's role has the capability.

    ``{% if current_membership|can:"view_activity" %}``: templates show a link only to
    those it will let in.
    """
    return membership is not None and membership.can(Capability(capability))


@register.filter
def audit_sentence(entry: AuditEntry) -> str:
    """The entry as its sentence (``core.audit.describe``, the one place that builds it)."""
    return describe(entry)


@register.simple_tag(takes_context=True)
def term(context: Context, key: str, text: str = "") -> SafeString:
    """A term of the method (``core.glossary``) with its explanation the first time a page
    uses it: a button that opens a popover; afterwards the plain words."""
    words = text or key.replace("_", " ")
    request = context.get("request")
    shown: set[str] = getattr(request, "_sb_terms_shown", set())
    if request is not None:
        request._sb_terms_shown = shown
    if key in shown:
        return format_html("{}", words)
    shown.add(key)
    tip_id = f"term-{key}-{secrets.token_hex(3)}"
    return format_html(
        '<span class="sb-term"><button type="button" class="sb-term-button" popovertarget="{}">'
        "{}</button>"
        '<span class="sb-term-tip" id="{}" popover><strong>{}</strong>: {}</span></span>',
        tip_id,
        words,
        tip_id,
        *TERMS[key],
    )
