"""Every string a person reads arrives translated.

The catalogue test runs ``makemessages`` on a copy of the source, so a string wrapped
anywhere but missing from ``locale/fr/LC_MESSAGES/django.po`` fails here, as does an
entry left empty or fuzzy, or whose placeholders differ from its ``msgid``. The page
test renders every page the access walker knows in French and fails on English left in
it. ``docs/translations.md`` says how to add a string and a language.
"""

from __future__ import annotations

import os
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po
from django.core.management import call_command
from django.test import Client, override_settings
from django.utils import translation

from stepback.accounts.models import User, time_zone_names
from stepback.accounts.roles import Role
from stepback.core.access import PUBLIC
from stepback.lib.catalogues import LOCALE_DIR
from tests.conftest import Tenant
from tests.test_access import WEB_ROUTES, _rule, _values

SOURCE = LOCALE_DIR.parent
LANGUAGES = ["fr"]


def _catalogue(path: Path) -> Catalog:
    with path.open("rb") as po_file:
        return read_po(po_file)


def _strings(message: object) -> tuple[str, ...]:
    string = message.string  # type: ignore[attr-defined]
    return string if isinstance(string, tuple) else (string,)


def _key(message: object) -> tuple[str, str | None]:
    msgid = message.id  # type: ignore[attr-defined]
    return (msgid[0] if isinstance(msgid, tuple) else msgid, message.context)  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    """The strings the source wraps today, as ``makemessages`` finds them."""
    if shutil.which("xgettext") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("makemessages needs GNU gettext's xgettext (Debian: gettext).")
        pytest.skip("GNU gettext (xgettext) is not installed: apt-get install gettext")
    copy = tmp_path_factory.mktemp("source") / "stepback"
    shutil.copytree(
        SOURCE, copy, ignore=shutil.ignore_patterns("locale", "__pycache__", "static", "*.mo")
    )
    (copy / "locale" / "fr").mkdir(parents=True)
    cwd = Path.cwd()
    os.chdir(copy)
    try:
        with override_settings(LOCALE_PATHS=[copy / "locale"]):
            call_command("makemessages", locale=["fr"], no_location=True, verbosity=0)
    finally:
        os.chdir(cwd)
    return _catalogue(copy / "locale" / "fr" / "LC_MESSAGES" / "django.po")


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_wrapped_string_is_in_the_catalogue_and_translated(
    extracted: Catalog, language: str
) -> None:
    committed = _catalogue(LOCALE_DIR / language / "LC_MESSAGES" / "django.po")
    have = {_key(m): m for m in committed if m.id}
    missing = [_key(m) for m in extracted if m.id and _key(m) not in have]
    assert not missing, (
        f"{len(missing)} strings are not in the {language} catalogue: run `make messages` "
        f"and translate them (docs/translations.md). First ones: {missing[:10]}"
    )
    wanted = {_key(m) for m in extracted if m.id}
    untranslated = [
        key
        for key, message in have.items()
        if key in wanted
        and (
            message.fuzzy
            or not all(message.string if isinstance(message.string, tuple) else [message.string])
        )
    ]
    assert not untranslated, f"empty or fuzzy translations: {untranslated[:10]}"
    broken = [
        (_key(message), [str(e) for e in errors])
        for message, errors in committed.check()
        if "no-python-format" not in message.flags  # a "%" that is only a per cent sign
    ]
    assert not broken, f"translations whose placeholders differ from the English: {broken[:10]}"


class VisibleText(HTMLParser):
    """The text a person reads: text nodes and the attributes read aloud or shown."""

    SHOWN_ATTRIBUTES = ("title", "aria-label", "placeholder", "alt", "data-bs-title")

    def __init__(self) -> None:
        super().__init__()
        self.chunks: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "template"):
            self._hidden += 1
        for name, value in attrs:
            if value and (name in self.SHOWN_ATTRIBUTES or name.startswith("data-sb-text")):
                self.chunks.append(value)
            if tag == "input" and name == "value" and value and ("type", "submit") in attrs:
                self.chunks.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "template"):
            self._hidden = max(0, self._hidden - 1)

    def handle_data(self, data: str) -> None:
        if not self._hidden and data.strip():
            self.chunks.append(" ".join(data.split()))


# Words that are English and not French: one of them in a page's text is a string left
# untranslated. (Words both languages share, like "initiative", "date" or "note", are not here.)
ENGLISH = re.compile(
    r"\b(the|and|of|to|your|you|is|are|with|this|that|for|from|has|have|not|yet|add|edit|"
    r"delete|save|cancel|sign|goals?|measurements?|members?|settings|dashboard|next|previous|"
    r"back|new|all|none|who|what|when|where|how|by|or|it|its|will|can|may|must|show|"
    r"close|search|filter|clear|stage|leader|owner|viewer|tokens?|activity|changes?|password|"
    r"name|role|today|since|pace|track|risk|expected|target|baseline|milestones?|"
    r"january|february|march|april|june|july|august|september|october|november|december|"
    r"jan|feb|apr|jun|jul|aug|sep|sept|oct|nov|dec)\b",
    re.IGNORECASE,
)
# Names, brand words and the walker's own sample content, which stay as they are.
ALLOWED = ["Stepback", "Walker goal", "Walker note", "Walker", "walker.csv", "Bearer", "API"]
EMAIL = re.compile(r"\S+@\S+")
FRENCH_NAMES = {
    Role.ADMIN: "Camille Roux",
    Role.LEADER: "Lucie Martin",
    Role.SUPPORT: "Hugo Petit",
    Role.OWNER: "Inès Girard",
    Role.MEMBER: "Noé Lambert",
    Role.VIEWER: "Zoé Faure",
}


def english_left(html: str) -> list[str]:
    parser = VisibleText()
    parser.feed(html)
    found = []
    zones = set(time_zone_names())
    for chunk in parser.chunks:
        if chunk.replace(" ", "_") in zones:  # a place's name, as the time zone list shows it
            continue
        text = EMAIL.sub("", chunk)
        for allowed in ALLOWED:
            text = text.replace(allowed, "")
        if ENGLISH.search(text):
            found.append(chunk)
    return found


def test_it_finds_english_words_and_spares_french_ones() -> None:
    html = '<p>Objectif atteint</p><button aria-label="Close">x</button><p>Walker goal</p>'
    assert english_left(html) == ["Close"]
    assert english_left("<p>Ajouter une mesure le 1 octobre 2026</p>") == []
    assert english_left("<p>Added 46 on 1 Oct 2026.</p>") == ["Added 46 on 1 Oct 2026."]


@pytest.mark.parametrize("route", WEB_ROUTES, ids=lambda r: r.route)
def test_every_page_reads_in_french(route: object, tenant: Tenant) -> None:
    for role, name in FRENCH_NAMES.items():
        User.objects.filter(pk=tenant.user(role).pk).update(name=name)
    rule = _rule(route)  # type: ignore[arg-type]
    admin = tenant.user(Role.ADMIN)
    client = Client() if rule == PUBLIC else tenant.client_for(admin)
    url = route.url(_values(route, tenant, admin))  # type: ignore[attr-defined]
    response = client.get(url, headers={"Accept-Language": "fr"})
    translation.activate("en-gb")
    if response.status_code not in (200, 400) or "text/html" not in response["Content-Type"]:
        pytest.skip(f"{url} answers {response.status_code} {response.get('Content-Type')}")
    assert response["Content-Language"] == "fr"
    left = english_left(response.content.decode())
    assert not left, f"English left on {url}: {left[:15]}"
