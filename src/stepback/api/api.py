"""The JSON API: one NinjaAPI object; each app contributes a Router from its ``api.py``."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as RuleError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, HttpError, ValidationError

from stepback.accounts.api import router as accounts_router
from stepback.activity.api import router as activity_router
from stepback.core.api_errors import field_errors
from stepback.goals.api import router as goals_router
from stepback.initiatives.api import router as initiatives_router
from stepback.observations.api import router as observations_router
from stepback.tokens.auth import TokenAuth


class OfflineSwagger(Swagger):
    """Swagger UI from ninja's bundled static files (``ninja`` is in INSTALLED_APPS).

    Our template loads them with the CSP nonce and no inline script; the schema and
    the docs page are public on purpose: they describe the API, not anyone's data.
    """

    template = "api/swagger.html"


api = NinjaAPI(
    title="Stepback API",
    version="1",
    description=(
        "Stepback's JSON API. Authenticate with a personal access token, created on the "
        "API tokens page: `Authorization: Bearer <token>`. A token belongs to one "
        "organisation and is read-only or read-write; it never has more rights than its "
        "owner's current role there. A revoked token, or the token of someone no longer a "
        "member of its organisation, gets 401. Another organisation's paths are 404, a "
        'missing right is 403. Errors are JSON: `{"detail": reason}`, and a request body '
        "that does not validate is 422 with `errors: [{field, message}]`. Lists are "
        "paginated with `limit` and `offset` and return `{items, count}`."
    ),
    auth=TokenAuth(),
    docs=OfflineSwagger(settings={"validatorUrl": None, "persistAuthorization": False}),
    urls_namespace="api",
)


@api.exception_handler(AuthenticationError)
def on_authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(request, {"detail": _("Missing or invalid API token.")}, status=401)


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = [
        {
            "field": ".".join(
                str(part) for part in err.get("loc", ()) if part not in {"body", "payload"}
            ),
            "message": err.get("msg", _("Invalid value.")),
        }
        for err in exc.errors
    ]
    return api.create_response(
        request, {"detail": _("The request is not valid."), "errors": errors}, status=422
    )


@api.exception_handler(RuleError)
def on_rule_error(request: HttpRequest, exc: RuleError) -> HttpResponse:
    """A service refused the input: the same messages the web form shows, by field."""
    return api.create_response(
        request,
        {"detail": _("The request is not valid."), "errors": field_errors(exc)},
        status=422,
    )


@api.exception_handler(RequestDataTooBig)
def on_body_too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE / 2**20
    return api.create_response(
        request,
        {
            "detail": _("The request body is larger than %(limit)s MB; send it in smaller batches.")
            % {"limit": f"{limit:g}"}
        },
        status=413,
    )


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


api.add_router("", accounts_router)
api.add_router("", initiatives_router)
api.add_router("", goals_router)
api.add_router("", observations_router)
api.add_router("", activity_router)
