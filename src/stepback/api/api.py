"""The JSON API: one NinjaAPI object; each app contributes a Router from its ``api.py``."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as RuleError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.log import log_response
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError
from ninja.openapi.schema import OpenAPISchema
from ninja.operation import Operation

from stepback.accounts.api import router as accounts_router
from stepback.activity.api import router as activity_router
from stepback.core.api_errors import field_errors, problem_answer, problem_response
from stepback.core.api_messages import type_check_message
from stepback.feedback.api import router as feedback_router
from stepback.goals.api import router as goals_router
from stepback.initiatives.api import router as initiatives_router
from stepback.observations.api import router as observations_router
from stepback.ownership.api import router as ownership_router
from stepback.plans.api import router as plans_router
from stepback.stakeholders.api import router as stakeholders_router
from stepback.stakeholders.leader_api import router as leaders_router
from stepback.tokens.auth import TokenAuth


class OfflineSwagger(Swagger):
    """Swagger UI from ninja's bundled static files (``ninja`` is in INSTALLED_APPS).

    Our template loads them with the CSP nonce and no inline script; the schema and
    the docs page are public on purpose: they describe the API, not anyone's data.
    """

    template = "api/swagger.html"


class StepbackAPI(NinjaAPI):
    """ninja's API, whose schema also says which routes refuse a body that is not JSON
    (400) or is too large (413)."""

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        for operations in schema["paths"].values():
            for operation in operations.values():
                if "requestBody" in operation:
                    operation["responses"].setdefault("400", NOT_JSON)
                    operation["responses"].setdefault("413", TOO_LARGE)
        return schema


NOT_JSON = problem_answer("The request body is not JSON; nothing was changed.")
TOO_LARGE = problem_answer("The request body is too large; nothing was changed.")

api = StepbackAPI(
    title="Stepback API",
    version="1",
    description=(
        "Stepback's JSON API. Authenticate with a personal access token, created on the "
        "API tokens page: `Authorization: Bearer <token>`. A token belongs to one "
        "organisation and is read-only or read-write; it never has more rights than its "
        "owner's current role there. A revoked token, or the token of someone no longer a "
        "member of its organisation, gets 401. Another organisation's paths are 404, a "
        "missing right is 403. Every error is an RFC 9457 problem document "
        "(`application/problem+json`: `type`, `title`, `status`, `detail`), and a request "
        "that does not validate is 422 with `errors: [{field, message}]`. Each token may make "
        "a limited number of requests a minute; past it, 429 with `Retry-After`. Lists are "
        "paginated with `limit` and `offset` and return `{items, count}`. Every path that "
        "answers GET also answers HEAD."
    ),
    auth=TokenAuth(),
    docs=OfflineSwagger(settings={"validatorUrl": None, "persistAuthorization": False}),
    urls_namespace="api",
)


@api.exception_handler(AuthenticationError)
def on_authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return problem_response(401, _("Missing or invalid API token."))


def _field_name(loc: tuple[object, ...]) -> str:
    """A field's place as people name it: ``items.1.value``, ``query.offset``; a body's
    fields without ninja's ``body.payload`` before them."""
    parts = list(loc)
    if parts[:1] == ["body"]:
        parts = parts[2:] if parts[1:2] == ["payload"] else parts[1:]
    return ".".join(str(part) for part in parts)


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = [
        {"field": _field_name(err.get("loc", ())), "message": type_check_message(err)}
        for err in exc.errors
    ]
    return problem_response(422, _("The request is not valid."), errors=errors)


@api.exception_handler(RuleError)
def on_rule_error(request: HttpRequest, exc: RuleError) -> HttpResponse:
    """A service refused the input: the same messages the web form shows, by field."""
    return problem_response(422, _("The request is not valid."), errors=field_errors(exc))


@api.exception_handler(RequestDataTooBig)
def on_body_too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE / 2**20
    return problem_response(
        413,
        _("The request body is larger than %(limit)s MB; send it in smaller batches.")
        % {"limit": f"{limit:g}"},
    )


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return problem_response(404, _("Not found."))


@api.exception_handler(Throttled)
def on_throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
    wait = max(1, exc.wait or 1)
    return problem_response(
        429,
        _("Too many requests with this token; try again in %(wait)s seconds.") % {"wait": wait},
        headers={"Retry-After": str(wait)},
    )


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return problem_response(exc.status_code, str(exc))


@api.exception_handler(Exception)
def on_server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    """A fault of ours: logged with its traceback, as Django logs one, and answered in JSON."""
    response = problem_response(
        500, _("Something went wrong on our side. It is logged; try again later.")
    )
    log_response(
        "Internal Server Error: %s", request.path, response=response, request=request, exception=exc
    )
    return response


api.add_router("", accounts_router)
api.add_router("", initiatives_router)
api.add_router("", goals_router)
api.add_router("", observations_router)
api.add_router("", plans_router)
api.add_router("", ownership_router)
api.add_router("", stakeholders_router)
api.add_router("", leaders_router)
api.add_router("", feedback_router)
api.add_router("", activity_router)


def _refuse_unknown_query_parameters(operation: Operation) -> None:
    """Make ``operation`` answer a query parameter it does not take with a 422 naming it,
    as bodies do with unknown fields: ``?include_archive=true`` is a typo, not a filter.

    It is checked where ninja reads the parameters, after the access rule, so a caller
    without the right still gets 403 first.
    """
    known: set[str] = set()
    for model in operation.models:
        if model.__ninja_param_source__ == "query":
            known.update(model.__ninja_flatten_map__)
    read_parameters = operation._get_values

    def get_values(request: HttpRequest, path_params: Any, temporal_response: Any) -> Any:
        unknown = sorted(set(request.GET) - known)
        if unknown:
            raise ValidationError(
                [{"loc": ("query", name), "msg": str(UNKNOWN_PARAMETER)} for name in unknown]
            )
        return read_parameters(request, path_params, temporal_response)

    operation._get_values = get_values  # type: ignore[method-assign]


UNKNOWN_PARAMETER = gettext_lazy("This route takes no such parameter.")

# The operations the URLs serve: ninja binds a copy of each router's to the API.
for _router in api._get_bound_routers():
    for _path_view in _router.path_operations.values():
        for _operation in _path_view.operations:
            _refuse_unknown_query_parameters(_operation)
