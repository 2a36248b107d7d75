"""Which language and time zone a request is served in.

The language is the person's own choice (``User.language``), else their organisation's
(``Organisation.language``), else the browser's (``LocaleMiddleware`` reads
``Accept-Language``), else ``LANGUAGE_CODE``. The time zone is the organisation's
(``Organisation.zone``), so "today" and every time shown are the school's. Pages outside an
organisation (home, password) use the organisation the person last opened, remembered in
the session, so no query is spent on them.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone, translation

from stepback.accounts.models import Organisation, User

SESSION_LOCALE_KEY = "stepback_locale"


def _activate_language(request: HttpRequest, language: str) -> None:
    translation.activate(language)
    request.LANGUAGE_CODE = translation.get_language()


def activate_person(request: HttpRequest) -> None:
    """At the start of a request: the person's language, and the last organisation's
    language and zone remembered in the session (the site's zone otherwise)."""
    timezone.deactivate()
    remembered = request.session.get(SESSION_LOCALE_KEY) if hasattr(request, "session") else None
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return
    if remembered:
        timezone.activate(remembered["zone"])
    language = user.language or (remembered or {}).get("language")
    if language:
        _activate_language(request, language)


def activate_organisation(
    request: HttpRequest, organisation: Organisation, user: User, *, remember: bool = True
) -> None:
    """In an organisation's page or API call: its zone, and its language unless the person
    chose one; remembered (pages, not the API) for the person's pages outside any
    organisation."""
    timezone.activate(organisation.zone)
    language = user.language or organisation.language
    if language:
        _activate_language(request, language)
    if remember:
        remembered = {"zone": organisation.zone.key, "language": organisation.language}
        if request.session.get(SESSION_LOCALE_KEY) != remembered:
            request.session[SESSION_LOCALE_KEY] = remembered
