"""The pages anyone may open without an account: a channel's form, the receipt, the
follow-up page, and the channel's "you said, we did" answers.

They work without JavaScript and stay small for a phone. Each submission is limited per
channel and per client address (``core.ratelimit``); the client address is only a cache
key for the limit, never stored with the item.
"""

from __future__ import annotations

import hashlib

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from stepback.accounts.ratelimit import client_address
from stepback.core.access import public_view
from stepback.core.ratelimit import window_wait
from stepback.feedback import services
from stepback.feedback.forms import PublicItemForm, ReceiptForm
from stepback.feedback.models import Channel, FeedbackItem
from stepback.feedback.selectors import published_items

PER_CHANNEL_PER_MINUTE = 60
PER_ADDRESS_PER_TEN_MINUTES = 10
RECEIPT_LOOKUPS_PER_TEN_MINUTES = 20


def _address_key(request: HttpRequest) -> str:
    return hashlib.sha256(client_address(request).encode()).hexdigest()[:32]


def rate_limited(request: HttpRequest, channel: Channel) -> int:
    """Seconds to wait before this client may send again through ``channel`` (0: now)."""
    per_channel = window_wait(
        f"feedback:channel:{channel.pk}", limit=PER_CHANNEL_PER_MINUTE, period=60
    )
    per_address = window_wait(
        f"feedback:address:{_address_key(request)}",
        limit=PER_ADDRESS_PER_TEN_MINUTES,
        period=600,
    )
    return max(per_channel, per_address)


def _channel(request: HttpRequest, key: str) -> Channel:
    channel = get_object_or_404(
        Channel.objects.select_related("organisation", "initiative"), key=key
    )
    timezone.activate(channel.organisation.zone)  # the visitor's language stays theirs
    return channel


@public_view
@never_cache
def channel_submit(request: HttpRequest, key: str) -> HttpResponse:
    channel = _channel(request, key)
    today = channel.organisation.today()
    context = {"channel": channel, "is_open": channel.is_open(today), "today": today}
    if not context["is_open"]:
        return render(request, "feedback/public_submit.html", context, status=410)
    form = PublicItemForm(request.POST or None, channel=channel)
    status = 200
    if request.method == "POST" and form.is_valid():
        wait = rate_limited(request, channel)
        if wait:
            form.add_error(
                None,
                _("Too many messages were sent just now; please try again in %(minutes)s min.")
                % {"minutes": max(1, wait // 60)},
            )
            status = 429
        else:
            data = form.cleaned_data
            try:
                submission = services.item_submit(
                    channel=channel,
                    body=data["body"],
                    anonymous=data.get("anonymous", True),
                    name=data.get("name", ""),
                    email=data.get("email", ""),
                    access_code=data.get("access_code", ""),
                )
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                return render(
                    request,
                    "feedback/public_receipt.html",
                    {"channel": channel, "submission": submission},
                )
    if form.errors and status == 200:
        status = 400
    return render(request, "feedback/public_submit.html", {**context, "form": form}, status=status)


@public_view
def channel_answers(request: HttpRequest, key: str) -> HttpResponse:
    """ "You said, we did": the published items and their answers, newest first."""
    channel = _channel(request, key)
    return render(
        request,
        "feedback/public_answers.html",
        {"channel": channel, "items": published_items(channel)},
    )


def _follow_up(request: HttpRequest, item: FeedbackItem | None) -> HttpResponse:
    if item is None:
        raise Http404(_("No feedback has this link."))
    timezone.activate(item.organisation.zone)
    return render(request, "feedback/public_follow_up.html", {"item": item})


@public_view
@never_cache
def follow_up(request: HttpRequest, follow_up_token: str) -> HttpResponse:
    """The sender's private page: their item, its status and the team's answer."""
    return _follow_up(request, _item_by(follow_up_hash=services.secret_hash(follow_up_token)))


@public_view
@never_cache
def receipt_lookup(request: HttpRequest) -> HttpResponse:
    """Find one's item by its short receipt code (limited per client address)."""
    form = ReceiptForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        wait = window_wait(
            f"feedback:receipt:{_address_key(request)}",
            limit=RECEIPT_LOOKUPS_PER_TEN_MINUTES,
            period=600,
        )
        if wait:
            form.add_error("receipt", _("Too many tries; please wait a few minutes."))
            status = 429
        else:
            item = _item_by(receipt_hash=services.secret_hash(form.cleaned_data["receipt"]))
            if item is not None:
                return _follow_up(request, item)
            form.add_error("receipt", _("No feedback has this receipt code. Check each letter."))
    if form.errors and status == 200:
        status = 400
    return render(request, "feedback/public_receipt_lookup.html", {"form": form}, status=status)


def _item_by(**secret: str) -> FeedbackItem | None:
    return FeedbackItem.objects.select_related("channel", "organisation").filter(**secret).first()
