"""Named reads of feedback, shared by the pages and the API."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from stepback.accounts.models import Organisation
from stepback.feedback.models import Channel, FeedbackItem, FeedbackItemQuerySet, Status
from stepback.initiatives.models import Initiative

PUBLISHED_SHOWN = 100


def channel_for_org(organisation: Organisation, channel_id: int) -> Channel:
    return get_object_or_404(
        Channel.objects.select_related("initiative", "organisation"),
        organisation=organisation,
        pk=channel_id,
    )


def channels_with_counts(initiative: Initiative) -> QuerySet[Channel]:
    """The initiative's channels, each with its number of items and of new ones."""
    return initiative.feedback_channels.annotate(
        item_count=Count("items"),
        new_count=Count("items", filter=Q(items__status=Status.NEW)),
    )


def inbox(initiative: Initiative) -> FeedbackItemQuerySet:
    """The initiative's items, newest first, with what the inbox shows of each."""
    return (
        FeedbackItem.objects.for_initiative(initiative)
        .select_related("channel", "assignee")
        .prefetch_related("tags")
        .order_by("-submitted_on", "-id")
    )


def published_items(channel: Channel) -> list[FeedbackItem]:
    """ "You said, we did": the channel's published items with their answers."""
    items = channel.items.filter(published=True).order_by("-answered_on", "-id")
    return list(items.only("body", "answer", "answered_on", "status")[:PUBLISHED_SHOWN])
