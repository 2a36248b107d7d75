from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from stepback.accounts.models import Organisation
from stepback.initiatives.stages import STAGE_CHOICES, Stage


class InitiativeQuerySet(models.QuerySet["Initiative"]):
    def for_org(self, org: Organisation) -> InitiativeQuerySet:
        return self.filter(organisation=org)

    def active(self) -> InitiativeQuerySet:
        return self.filter(archived_at__isnull=True)


class Initiative(models.Model):
    """One strategic change, led by a leader with a support team, moving through six stages."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="initiatives"
    )
    title = models.CharField(
        max_length=200, error_messages={"blank": _("Give the initiative a title.")}
    )
    summary = models.CharField(max_length=300, blank=True)
    current_state = models.TextField(blank=True, help_text=_("Markdown."))
    problem = models.TextField(blank=True, help_text=_("Markdown."))
    desired_state = models.TextField(blank=True, help_text=_("Markdown."))
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="led_initiatives",
    )
    support_team = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="supported_initiatives"
    )
    start_date = models.DateField(default=date.today)
    stage = models.CharField(max_length=20, choices=STAGE_CHOICES, default=Stage.IDENTIFY)
    monthly_review_months = models.PositiveSmallIntegerField(
        default=3,
        help_text=_("Stepbacks are monthly for this many months from the start."),
        validators=[MaxValueValidator(24, _("Use at most 24 months of monthly stepbacks."))],
    )
    review_interval_months = models.PositiveSmallIntegerField(
        default=3,
        help_text=_("After that, a stepback every this many months."),
        validators=[
            MinValueValidator(1, _("Choose between 1 and 24 months.")),
            MaxValueValidator(24, _("Choose between 1 and 24 months.")),
        ],
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    archived_at = models.DateTimeField(null=True, blank=True)

    objects = InitiativeQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        indexes = [models.Index(fields=["organisation", "archived_at"])]

    def __str__(self) -> str:
        return self.title

    @property
    def stage_enum(self) -> Stage:
        return Stage(self.stage)

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


class ChecklistTick(models.Model):
    """A ticked item of a stage's checklist, with who ticked it and when."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="ticks")
    stage = models.CharField(max_length=20, choices=STAGE_CHOICES)
    item_key = models.CharField(max_length=40)
    ticked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    ticked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["initiative", "stage", "item_key"], name="one_tick_per_item"
            )
        ]

    def __str__(self) -> str:
        return f"{self.stage}/{self.item_key} ticked"
