"""The organisation's tags: how a name is cleaned, and finding or making them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from stepback.accounts.models import Organisation
from stepback.core.models import Tag

MAX_TAGS = 20
TAG_MAX_LENGTH = Tag._meta.get_field("name").max_length or 50


def clean_tags(names: Iterable[str]) -> list[str]:
    """Tags as stored: inner spaces collapsed, lower case, each once, in the order given.

    At most ``MAX_TAGS`` of at most ``TAG_MAX_LENGTH`` characters, or a ``ValidationError``
    on ``tags``.
    """
    clean: list[str] = []
    for raw in names:
        name = " ".join(raw.split()).lower()
        if name and name not in clean:
            clean.append(name)
    too_long = [name for name in clean if len(name) > TAG_MAX_LENGTH]
    if too_long:
        raise ValidationError(
            {
                "tags": _("Keep each tag to %(limit)s characters: “%(tag)s…” is longer.")
                % {"limit": TAG_MAX_LENGTH, "tag": too_long[0][:20]}
            }
        )
    if len(clean) > MAX_TAGS:
        raise ValidationError({"tags": _("Use at most %(limit)s tags.") % {"limit": MAX_TAGS}})
    return clean


def tags_named(organisation: Organisation, names: Sequence[str]) -> list[Tag]:
    """The organisation's tags of these (clean) names, made where missing."""
    existing = {t.name: t for t in Tag.objects.filter(organisation=organisation, name__in=names)}
    missing = [Tag(organisation=organisation, name=n) for n in names if n not in existing]
    Tag.objects.bulk_create(missing)
    return list(Tag.objects.filter(organisation=organisation, name__in=names))
