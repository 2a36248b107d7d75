"""The team's feedback pages: an initiative's channels and inbox, one item's triage, bulk
actions, exports, a channel's QR code, and the organisation's results threshold.

Reading items needs ``READ_FEEDBACK`` (named items name people), triaging them
``HANDLE_FEEDBACK``; channels are changed by those who manage initiatives.
"""

from __future__ import annotations

import io
import itertools

import segno
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from stepback.accounts.roles import Capability
from stepback.core.access import OrgRequest, get_object_for_member, org_view
from stepback.core.htmx import render_page_or_partial
from stepback.core.pages import form_page
from stepback.feedback import services
from stepback.feedback.forms import BulkForm, ChannelForm, InboxFilterForm, ItemForm
from stepback.feedback.models import Channel, FeedbackItem, Status
from stepback.feedback.selectors import channel_for_org, channels_with_counts, inbox
from stepback.goals.exports import csv_lines
from stepback.initiatives.selectors import initiative_for_org
from stepback.lib.tabular import guard_formula

ITEMS_PER_PAGE = 25
EXPORT_HEADER = [
    "date",
    "channel",
    "status",
    "anonymous",
    "name",
    "email",
    "tags",
    "feedback",
    "answer",
    "published",
]


def public_url(request: OrgRequest, name: str, **kwargs: str) -> str:
    return request.build_absolute_uri(reverse(f"feedback:{name}", kwargs=kwargs))


@org_view(Capability.READ_FEEDBACK)
@require_GET
def item_list(request: OrgRequest, initiative_id: int) -> HttpResponse:
    initiative = initiative_for_org(request.org, initiative_id)
    form = InboxFilterForm(request.GET, initiative=initiative)
    page = Paginator(form.apply(inbox(initiative)), ITEMS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "initiative": initiative,
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "channels": list(channels_with_counts(initiative)),
        "bulk": BulkForm(organisation=request.org),
        "can_manage": request.membership.can(Capability.MANAGE_INITIATIVES),
    }
    return render_page_or_partial(request, "feedback/inbox.html", "results", context)


def _rows(initiative_id: int, form: InboxFilterForm) -> itertools.chain[list[str]]:
    items = form.apply(
        FeedbackItem.objects.for_initiative(initiative_id)
        .select_related("channel")
        .prefetch_related("tags")
        .order_by("-submitted_on", "-id")
    )
    rows = (
        [
            item.submitted_on.isoformat(),
            item.channel.name,
            item.get_status_display(),
            "yes" if item.anonymous else "no",
            item.name,
            item.email,
            ", ".join(tag.name for tag in item.tags.all()),
            item.body,
            item.answer,
            "yes" if item.published else "no",
        ]
        for item in items.iterator(chunk_size=2000)
    )
    return itertools.chain([EXPORT_HEADER], rows)


@org_view(Capability.READ_FEEDBACK)
@require_GET
def item_export(
    request: OrgRequest, initiative_id: int, fmt: str
) -> HttpResponse | StreamingHttpResponse:
    """The inbox, as filtered, as CSV (streamed) or XLSX."""
    if fmt not in ("csv", "xlsx"):
        raise Http404("No such format.")
    initiative = initiative_for_org(request.org, initiative_id)
    form = InboxFilterForm(request.GET, initiative=initiative)
    rows = _rows(initiative.pk, form)
    name = f"feedback-{initiative.pk}"
    if fmt == "csv":
        guarded = ([guard_formula(str(cell)) for cell in row] for row in rows)
        stream = StreamingHttpResponse(csv_lines(guarded), content_type="text/csv")
        stream["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return stream
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Feedback")
    for row in rows:
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"  # never a formula
            cells.append(cell)
        sheet.append(cells)
    out = io.BytesIO()
    workbook.save(out)
    response = HttpResponse(
        out.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response


@org_view(Capability.HANDLE_FEEDBACK)
def item_detail(request: OrgRequest, item_id: int) -> HttpResponse:
    item = get_object_for_member(
        request, FeedbackItem.objects.select_related("channel", "initiative", "assignee"), item_id
    )
    form = ItemForm(
        request.POST or None,
        organisation=request.org,
        initial={
            "status": item.status,
            "assignee": item.assignee_id,
            "answer": item.answer,
            "published": item.published,
            "tags": ", ".join(tag.name for tag in item.tags.all()),
        },
    )

    def save() -> HttpResponse:
        services.item_update(
            item=item,
            actor=request.membership.user,
            changes=form.changes(),
            tags=form.cleaned_data["tags"],
        )
        messages.success(request, _("The item is saved."))
        return redirect("feedback:inbox", org=request.org.slug, initiative_id=item.initiative_id)

    context = {"item": item, "initiative": item.initiative}
    return form_page(request, form, "feedback/item.html", context, save)


@org_view(Capability.HANDLE_FEEDBACK)
@require_POST
def item_bulk(request: OrgRequest, initiative_id: int) -> HttpResponse:
    initiative = initiative_for_org(request.org, initiative_id)
    form = BulkForm(request.POST, organisation=request.org)
    back = reverse(
        "feedback:inbox", kwargs={"org": request.org.slug, "initiative_id": initiative.pk}
    )
    if not form.is_valid():
        messages.error(request, _("Choose what to change."))
        return redirect(back)
    data = form.cleaned_data
    try:
        count = services.items_bulk_update(
            initiative=initiative,
            actor=request.membership.user,
            item_ids=data["items"],
            status=data["status"] or None,
            assignee=data["assignee"],
            add_tag=data["add_tag"],
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("%(count)s items changed.") % {"count": count})
    return redirect(back + ("?" + request.POST["query"] if request.POST.get("query") else ""))


@org_view(Capability.MANAGE_INITIATIVES)
def channel_create(request: OrgRequest, initiative_id: int) -> HttpResponse:
    initiative = initiative_for_org(request.org, initiative_id)
    form = ChannelForm(request.POST or None)

    def save() -> HttpResponse:
        channel = services.channel_create(
            initiative=initiative, actor=request.membership.user, **form.changes()
        )
        messages.success(request, _("The channel “%(name)s” is open.") % {"name": channel.name})
        return redirect("feedback:channel", org=request.org.slug, channel_id=channel.pk)

    return form_page(
        request,
        form,
        "feedback/channel_form.html",
        {"initiative": initiative, "channel": None},
        save,
    )


@org_view(Capability.MANAGE_INITIATIVES)
def channel_edit(request: OrgRequest, channel_id: int) -> HttpResponse:
    channel = channel_for_org(request.org, channel_id)
    form = ChannelForm(request.POST or None, initial=ChannelForm.initial_for(channel))

    def save() -> HttpResponse:
        services.channel_update(
            channel=channel, actor=request.membership.user, changes=form.changes()
        )
        messages.success(request, _("The channel is saved."))
        return redirect("feedback:channel", org=request.org.slug, channel_id=channel.pk)

    context = {"initiative": channel.initiative, "channel": channel}
    return form_page(request, form, "feedback/channel_form.html", context, save)


def _qr_svg(url: str) -> str:
    qr = segno.make(url, error="m")
    out = io.BytesIO()
    qr.save(out, kind="svg", scale=6, border=2, xmldecl=False, svgns=True, title=url)
    return out.getvalue().decode()


@org_view(Capability.READ_FEEDBACK)
@require_GET
def channel_detail(request: OrgRequest, channel_id: int) -> HttpResponse:
    channel: Channel = channel_for_org(request.org, channel_id)
    link = public_url(request, "submit", key=channel.key)
    counts = dict(channel.items.values_list("status").annotate(n=Count("pk")).order_by())
    return render(
        request,
        "feedback/channel.html",
        {
            "channel": channel,
            "initiative": channel.initiative,
            "link": link,
            "answers_link": public_url(request, "answers", key=channel.key),
            "is_open": channel.is_open(request.org.today()),
            "counts": [(label, counts.get(value, 0)) for value, label in Status.choices],
            "can_manage": request.membership.can(Capability.MANAGE_INITIATIVES),
        },
    )


@org_view(Capability.READ_FEEDBACK)
@require_GET
def channel_qr(request: OrgRequest, channel_id: int) -> HttpResponse:
    """The channel's link as a QR code (SVG), for a slide or a poster."""
    channel = channel_for_org(request.org, channel_id)
    response = HttpResponse(
        _qr_svg(public_url(request, "submit", key=channel.key)), content_type="image/svg+xml"
    )
    if request.GET.get("download"):
        response["Content-Disposition"] = f'attachment; filename="channel-{channel.pk}-qr.svg"'
    return response
