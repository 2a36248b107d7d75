"""Observations, the qualitative data of an initiative (tagged with ``core.Tag``).

The tables keep the names they had in the ``initiatives`` app (``db_table``).
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from stepback.accounts.models import Organisation
from stepback.core.models import Tag
from stepback.goals.models import Goal
from stepback.initiatives.models import Initiative


class ObservationQuerySet(models.QuerySet["Observation"]):
    def search(self, text: str) -> ObservationQuerySet:
        """Every word must appear in the title or the body (case-insensitive)."""
        queryset = self
        for word in text.split():
            queryset = queryset.filter(Q(title__icontains=word) | Q(body__icontains=word))
        return queryset

    def matching(
        self,
        *,
        q: str | None = None,
        tag: str | None = None,
        goal: Goal | int | None = None,
        kind: str | None = None,
        date_from: date | None = None,
        date_to: date | None = None,
    ) -> ObservationQuerySet:
        """The observations that pass every filter given; empty filters are ignored."""
        queryset = self.search(q) if q else self
        if tag:
            queryset = queryset.filter(tags__name=tag)
        if goal:
            queryset = queryset.filter(goals=goal)
        if kind:
            queryset = queryset.filter(kind=kind)
        if date_from:
            queryset = queryset.filter(date__gte=date_from)
        if date_to:
            queryset = queryset.filter(date__lte=date_to)
        return queryset


class Observation(models.Model):
    """Qualitative data: a dated note from a visit, an interview or a meeting."""

    class Kind(models.TextChoices):
        VISIT = "visit", _("Classroom or site visit")
        INTERVIEW = "interview", _("Interview")
        MEETING = "meeting", _("Meeting note")
        OTHER = "other", _("Other")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="observations"
    )
    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="observations"
    )
    date = models.DateField(default=date.today)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OTHER)
    title = models.CharField(
        max_length=200, error_messages={"blank": _("Give the observation a title.")}
    )
    body = models.TextField(blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="observations")
    goals = models.ManyToManyField(Goal, blank=True, related_name="observations")
    created_at = models.DateTimeField(default=timezone.now)

    objects = ObservationQuerySet.as_manager()

    class Meta:
        db_table = "initiatives_observation"
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["initiative", "date"])]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.date and self.date > self.organisation.today():
            raise ValidationError({"date": _("An observation cannot be dated in the future.")})
