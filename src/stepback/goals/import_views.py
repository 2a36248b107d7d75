"""Web pages for importing a goal's measurements from a spreadsheet, and for exporting them.

Upload (``import_start``) → choose columns (``import_map``) → check every row and preview
(``import_preview``) → store all or nothing (``import_commit``). Files of
``imports.BACKGROUND_ROWS`` rows or more are checked and stored by the background worker;
meanwhile the preview page polls itself with htmx and gets a progress fragment back. If
the worker stops making progress (it died or restarted), polling stops and
``import_retry`` runs the step again.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.core.files.uploadedfile import UploadedFile
from django.http import (
    FileResponse,
    HttpResponse,
    HttpResponseBadRequest,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.text import slugify
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect, HttpResponseClientRefresh

from stepback.accounts.roles import Capability
from stepback.core import l10n
from stepback.core.access import OrgRequest, get_object_for_member, org_view
from stepback.goals import background, committing, exports, imports
from stepback.goals.models import Goal, MeasurementImport
from stepback.goals.selectors import goal_for_org
from stepback.lib.formats import with_unit
from stepback.lib.tabular import ColumnMapping, DateOrder, Table, TableError

State = MeasurementImport.State
MAPPABLE = (State.UPLOADED, State.READY, State.INVALID, State.FAILED)
WORKING = (State.VALIDATING, State.COMMITTING)
CHOOSABLE = (DateOrder.DAY_FIRST, DateOrder.MONTH_FIRST)
PROBLEMS_SHOWN = 200
CHANGES_SHOWN = 200
SAMPLE_ROWS = 10
HEAD_ROWS = 5
#: The fields too large to load when a page does not use them.
LARGE_FIELDS = ("content", "parsed_table", "parsed_head", "problems", "changes")
ACCEPT = ".csv,.tsv,.txt,.xlsx,.xlsm,.xls,.ods"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- forms -----------------------------------------------------------------------------------


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet"),
        help_text=lazy(
            lambda: (
                gettext(
                    "A CSV file, an Excel workbook (.xlsx, .xls) or an OpenDocument spreadsheet "
                    "(.ods), up to %(mb)s MB."
                )
                % {"mb": imports.MAX_UPLOAD_BYTES // 1024 // 1024}
            ),
            str,
        )(),
        widget=forms.FileInput(attrs={"accept": ACCEPT}),
        error_messages={
            "required": _("Choose a file to upload."),
            "empty": _("The file is empty."),
        },
    )

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        if (upload.size or 0) > imports.MAX_UPLOAD_BYTES:
            raise forms.ValidationError(imports.too_large_message(upload.size or 0))
        return upload


class MappingForm(forms.Form):
    date = forms.ChoiceField(
        label=_("Date column"), error_messages={"required": _("Choose the column with the dates.")}
    )
    value = forms.ChoiceField(
        label=_("Value column"),
        error_messages={"required": _("Choose the column with the values.")},
    )
    note = forms.ChoiceField(label=_("Note column"), required=False)
    source = forms.ChoiceField(label=_("Source column"), required=False)
    date_order = forms.CharField(required=False)

    def __init__(
        self,
        *args: Any,
        headers: list[str],
        orders: Callable[[str], list[DateOrder]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        columns = [(h, h) for h in headers]
        for name in ("date", "value"):
            self.fields[name].choices = [("", _("Choose a column")), *columns]  # type: ignore[attr-defined]
        for name in ("note", "source"):
            self.fields[name].choices = [("", _("None")), *columns]  # type: ignore[attr-defined]
        self.orders = orders

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        used: dict[str, str] = {}
        for name in imports.FIELDS:
            header = data.get(name)
            if not header:
                continue
            if header in used:
                self.add_error(name, f"“{header}” is already chosen as the {used[header]} column.")
            else:
                used[header] = name
        column = data.get("date")
        if column and "date" not in self.errors:
            found = self.orders(column)
            if len(found) == 1:
                data["date_order"] = found[0]
            elif data.get("date_order") in CHOOSABLE:
                data["date_order"] = DateOrder(data["date_order"])
            else:
                self.add_error("date_order", _("Choose how the dates are written."))
        return data


# --- helpers ---------------------------------------------------------------------------------


def _import(request: OrgRequest, import_id: int, *defer: str) -> MeasurementImport:
    """The import of the request's organisation; ``defer`` the large fields a page does not
    use (:data:`LARGE_FIELDS`). A deferred field is still loaded if it is used after all."""
    queryset = MeasurementImport.objects.select_related("goal__initiative").defer(*defer)
    return get_object_for_member(request, queryset, import_id)


def _goal_url(request: OrgRequest, goal: Goal) -> str:
    return reverse(
        "goals:detail",
        kwargs={"org": request.org.slug, "initiative_id": goal.initiative_id, "goal_id": goal.pk},
    )


def _to_preview(request: OrgRequest, measurement_import: MeasurementImport) -> HttpResponse:
    return redirect("goals:import_preview", org=request.org.slug, import_id=measurement_import.pk)


def _download(response: HttpResponse | StreamingHttpResponse, filename: str) -> None:
    response["Content-Disposition"] = f'attachment; filename="{filename}"'


def _date_order_context(
    table: Table,
    column: str,
    orders: Callable[[str], list[DateOrder]],
    *,
    selected: str = "",
    error: str = "",
) -> dict[str, Any]:
    """What the date-order part of the mapping form shows for the chosen date column."""
    if not column or column not in table.headers:
        return {"order_state": ""}
    found = orders(column)
    if found == [DateOrder.ISO]:
        return {"order_state": "iso"}
    choices = imports.date_order_choices(table, column)
    if len(found) == 1:
        state = "single"
        choices = [c for c in choices if c.order == found[0]]
    else:
        state = "mixed" if not found else "ambiguous"
    return {
        "order_state": state,
        "date_column": column,
        "choices": choices,
        "selected": selected,
        "date_order_error": error,
    }


# --- the steps -------------------------------------------------------------------------------


@org_view(Capability.CONTRIBUTE)
def import_start(request: OrgRequest, goal_id: int) -> HttpResponse:
    """Step 1: upload a file."""
    goal = goal_for_org(request.org, goal_id)
    form = UploadForm(request.POST, request.FILES) if request.method == "POST" else UploadForm()
    if form.is_bound and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            measurement_import = imports.import_create(
                goal=goal,
                filename=upload.name or "upload",
                content=upload.read(),
                actor=request.membership.user,
            )
        except TableError as error:
            form.add_error("file", str(error))
        else:
            return redirect(
                "goals:import_map", org=request.org.slug, import_id=measurement_import.pk
            )
    recent = goal.imports.select_related("created_by").defer(*LARGE_FIELDS)[:5]
    return render(
        request,
        "goals/import_start.html",
        {
            "goal": goal,
            "initiative": goal.initiative,
            "goal_url": _goal_url(request, goal),
            "form": form,
            "recent": recent,
            "max_mb": imports.MAX_UPLOAD_BYTES // 1024 // 1024,
        },
        status=400 if form.errors else 200,
    )


@org_view(Capability.CONTRIBUTE)
def import_map(request: OrgRequest, import_id: int) -> HttpResponse:
    """Step 2: choose the date, value, note and source columns, and the date order if unclear.

    An htmx GET with ``?date=<column>`` returns just the date-order part for that column.
    """
    measurement_import = _import(request, import_id, "content", "parsed_table", "problems")
    if measurement_import.state not in MAPPABLE:
        return _to_preview(request, measurement_import)
    table = imports.import_head(measurement_import)  # never the whole table: see imports

    def orders(column: str) -> list[DateOrder]:
        return imports.date_orders(measurement_import, table, column)

    if request.method == "GET" and request.htmx:  # type: ignore[attr-defined]
        context = _date_order_context(table, request.GET.get("date", ""), orders)
        return render(request, "goals/import_map.html#date_order", context)

    saved = measurement_import.mapping
    form = MappingForm(
        request.POST if request.method == "POST" else None,
        headers=table.headers,
        orders=orders,
        initial={
            **{name: saved.get(name) or "" for name in imports.FIELDS},
            "date_order": measurement_import.date_order,
        },
    )
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        imports.import_set_mapping(
            measurement_import=measurement_import,
            mapping=ColumnMapping(
                date=data["date"],
                value=data["value"],
                note=data["note"] or None,
                source=data["source"] or None,
            ),
            date_order=data["date_order"],
        )
        background.import_check_or_queue(measurement_import=measurement_import)
        return _to_preview(request, measurement_import)

    date_column = form["date"].value() or ""
    selected = form["date_order"].value() or ""
    if selected not in CHOOSABLE:
        selected = ""
    width = len(table.headers)
    head = [
        (number, (cells + [""] * width)[:width])
        for number, cells in zip(table.row_numbers[:HEAD_ROWS], table.rows[:HEAD_ROWS], strict=True)
    ]
    return render(
        request,
        "goals/import_map.html",
        {
            "imp": measurement_import,
            "goal": measurement_import.goal,
            "initiative": measurement_import.goal.initiative,
            "table": table,
            "head": head,
            "form": form,
            **_date_order_context(
                table,
                date_column,
                orders,
                selected=selected,
                error=" ".join(str(e) for e in form["date_order"].errors),
            ),
        },
        status=400 if form.errors else 200,
    )


@org_view(Capability.CONTRIBUTE)
@require_GET
def import_preview(request: OrgRequest, import_id: int) -> HttpResponse:
    """Step 3: progress while rows are checked or stored; then every problem, or the go-ahead.

    htmx polls this page while the worker runs: it gets the progress fragment, then a
    refresh when the check is over, or a redirect to the goal when the rows are stored. If
    the worker stopped making progress, the fragment offers to try again and stops polling.
    """
    polling = bool(request.htmx)  # type: ignore[attr-defined]
    deferred = LARGE_FIELDS if polling else ("content", "parsed_table")
    measurement_import = _import(request, import_id, *deferred)
    state = measurement_import.state
    if state == State.UPLOADED:
        return redirect("goals:import_map", org=request.org.slug, import_id=import_id)
    goal = measurement_import.goal
    context: dict[str, Any] = {
        "imp": measurement_import,
        "goal": goal,
        "initiative": goal.initiative,
        "goal_url": _goal_url(request, goal),
        "working": state in WORKING,
    }
    if polling:
        if state in WORKING:
            context["progress"] = committing.import_progress(measurement_import)
            return render(request, "goals/import_preview.html#progress", context)
        if state == State.DONE:
            messages.success(request, _done_message(measurement_import))
            return HttpResponseClientRedirect(context["goal_url"])
        return HttpResponseClientRefresh()
    if state in WORKING:
        context["progress"] = committing.import_progress(measurement_import)
    elif state == State.DONE:
        context["done_message"] = _done_message(measurement_import)
    elif state in (State.READY, State.INVALID):
        problems = measurement_import.problems
        bad_rows = {p["row"] for p in problems}
        changes = measurement_import.changes
        context.update(
            problems=problems[:PROBLEMS_SHOWN],
            problem_count=len(problems),
            more_problems=max(0, len(problems) - PROBLEMS_SHOWN),
            capped=len(problems) >= imports.MAX_STORED_PROBLEMS,
            bad_rows=len(bad_rows),
            changes=[
                {
                    "row": change["row"],
                    "when": date.fromisoformat(change["date"]),
                    "stored": with_unit(exports.number_text(change["stored"]), goal.unit),
                    "value": with_unit(exports.number_text(change["value"]), goal.unit),
                }
                for change in changes[:CHANGES_SHOWN]
            ],
            change_count=len(changes),
            more_changes=max(0, len(changes) - CHANGES_SHOWN),
            sample=[
                {
                    "row": row.row,
                    "when": row.when,
                    "value": with_unit(exports.number_text(row.value), goal.unit),
                    "note": row.note,
                    "source": row.source,
                }
                for row in imports.sample_rows(
                    measurement_import,
                    imports.import_head(measurement_import),
                    SAMPLE_ROWS,
                    skip=bad_rows,
                )
            ],
        )
    return render(request, "goals/import_preview.html", context)


@org_view(Capability.CONTRIBUTE)
@require_POST
def import_commit(request: OrgRequest, import_id: int) -> HttpResponse:
    """Step 4: store the new rows and replace the chosen values, or nothing. The form's
    "Replace all" button sends ``changes=all``; otherwise the ticked ``replace`` rows are
    replaced and the other changes keep their stored value. A second submit never stores
    anything twice."""
    measurement_import = _import(request, import_id, *LARGE_FIELDS)
    goal_url = _goal_url(request, measurement_import.goal)
    if measurement_import.state == State.DONE:
        messages.info(request, _("These rows were already imported."))
        return redirect(goal_url)
    if request.POST.get("changes") == "all":
        chosen = [change["row"] for change in measurement_import.changes]
    else:
        chosen = [int(row) for row in request.POST.getlist("replace") if row.isdigit()]
    if not committing.import_claim(measurement_import=measurement_import, replace_rows=chosen):
        return _to_preview(request, measurement_import)
    background.import_commit_or_queue(
        measurement_import=measurement_import, actor=request.membership.user
    )
    return _after_commit(request, measurement_import, goal_url)


def _done_message(measurement_import: MeasurementImport) -> str:
    """What a finished import did: "Imported 12 new measurements and replaced 2 values;
    312 rows were already stored." """
    imported, replaced = measurement_import.imported_count, measurement_import.replaced_count
    stored = measurement_import.stored_count
    new = ngettext(
        "Imported %(count)s new measurement", "Imported %(count)s new measurements", imported
    ) % {"count": l10n.number(imported)}
    if imported and replaced:
        done = gettext("%(imported)s and %(replaced)s") % {
            "imported": new,
            "replaced": ngettext("replaced %(count)s value", "replaced %(count)s values", replaced)
            % {"count": l10n.number(replaced)},
        }
    elif replaced:
        done = ngettext("Replaced %(count)s value", "Replaced %(count)s values", replaced) % {
            "count": l10n.number(replaced)
        }
    else:
        done = new if imported else gettext("Nothing new was imported")
    if not stored:
        return gettext("%(done)s.") % {"done": done}
    return gettext("%(done)s; %(stored)s.") % {
        "done": done,
        "stored": ngettext(
            "%(count)s row was already stored", "%(count)s rows were already stored", stored
        )
        % {"count": l10n.number(stored)},
    }


def _after_commit(
    request: OrgRequest, measurement_import: MeasurementImport, goal_url: str
) -> HttpResponse:
    """To the goal once the rows are stored; else back to the preview, saying why if known
    (a goal changed since the check says so on the preview)."""
    if measurement_import.state == State.DONE:
        messages.success(request, _done_message(measurement_import))
        return redirect(goal_url)
    if measurement_import.state == State.INVALID:
        messages.error(
            request,
            _(
                "The goal changed since the check, and some rows now have problems. Nothing was "
                "stored; the problems are listed below."
            ),
        )
    return _to_preview(request, measurement_import)


@org_view(Capability.CONTRIBUTE)
@require_POST
def import_retry(request: OrgRequest, import_id: int) -> HttpResponse:
    """Run again a check or commit that stopped making progress; never stores a row twice."""
    measurement_import = _import(request, import_id, *LARGE_FIELDS)
    if not committing.import_restart(measurement_import=measurement_import):
        if measurement_import.state in WORKING:
            messages.info(request, _("This import is still making progress."))
        return _to_preview(request, measurement_import)
    if measurement_import.state == State.VALIDATING:
        background.import_check_or_queue(measurement_import=measurement_import)
        return _to_preview(request, measurement_import)
    background.import_commit_or_queue(
        measurement_import=measurement_import, actor=request.membership.user
    )
    return _after_commit(request, measurement_import, _goal_url(request, measurement_import.goal))


@org_view(Capability.CONTRIBUTE)
@require_GET
@never_cache
def import_problems(request: OrgRequest, import_id: int) -> StreamingHttpResponse:
    """Every stored problem of an import as CSV: row, column, problem."""
    measurement_import = _import(request, import_id, "content", "parsed_table", "parsed_head")
    response = StreamingHttpResponse(
        exports.problems_csv_lines(measurement_import), content_type="text/csv; charset=utf-8"
    )
    stem = slugify(measurement_import.filename.rsplit(".", 1)[0]) or "import"
    _download(response, f"{stem}-problems.csv")
    return response


# --- export ----------------------------------------------------------------------------------


@org_view(Capability.VIEW)
@require_GET
@never_cache
def measurements_export(request: OrgRequest, goal_id: int) -> HttpResponse | StreamingHttpResponse:
    """A goal's measurements as ``?format=csv`` (the default, streamed) or ``?format=xlsx``."""
    goal = goal_for_org(request.org, goal_id)
    kind = request.GET.get("format", "csv")
    stem = f"{slugify(goal.name) or 'goal'}-{timezone.localdate():%Y-%m-%d}"
    if kind == "csv":
        response = StreamingHttpResponse(
            exports.export_csv_lines(goal), content_type="text/csv; charset=utf-8"
        )
        _download(response, f"{stem}.csv")
        return response
    if kind == "xlsx":
        out = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
        exports.export_xlsx(goal, out)
        out.seek(0)
        return FileResponse(
            out, as_attachment=True, filename=f"{stem}.xlsx", content_type=XLSX_TYPE
        )
    return HttpResponseBadRequest(_("Choose format=csv or format=xlsx."), content_type="text/plain")
