"""Groups that own parts of an initiative, their Learning Sprints, the hand-off from the
leader to the group's leads, check-ins and the barriers they raise.

A group starts owned by the leader. Its hand-off records the readiness checklist and who
confirmed each side; once complete, the leads own the group and the leader supports it.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from stepback.accounts.models import Organisation
from stepback.goals.models import Goal
from stepback.initiatives.models import Initiative

#: The readiness checklist of a hand-off, as stable keys and labels.
READINESS: dict[str, object] = {
    "clear_focus": _("The group has a clear focus"),
    "data_access": _("The leads have access to the data"),
    "support_agreed": _("The support the group gets is agreed"),
    "cadence_set": _("The check-in cadence is set"),
    "lead_accepts": _("The lead accepts ownership"),
}
#: The items the leader's side confirms; the lead's acceptance is the lead's to give.
LEADER_ITEMS = ("clear_focus", "data_access", "support_agreed", "cadence_set")


class Group(models.Model):
    """A team, workstream or Learning Sprint group that owns part of an initiative."""

    class Ownership(models.TextChoices):
        LEADER = "leader", _("Owned by the leader")
        HANDED_OFF = "handed_off", _("Handed off")
        PAUSED = "paused", _("Hand-off paused")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="groups")
    name = models.CharField(max_length=200, error_messages={"blank": _("Give the group a name.")})
    focus = models.TextField(blank=True, max_length=2000)
    is_prototype = models.BooleanField(default=False)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="ownership_groups"
    )
    leads = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="led_groups")
    goals = models.ManyToManyField(Goal, blank=True, related_name="groups")
    ownership = models.CharField(max_length=20, choices=Ownership.choices, default=Ownership.LEADER)
    handed_off_on = models.DateField(null=True, blank=True)
    checkin_every_days = models.PositiveSmallIntegerField(
        default=14,
        validators=[
            MinValueValidator(1, _("Choose between 1 and 90 days.")),
            MaxValueValidator(90, _("Choose between 1 and 90 days.")),
        ],
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-is_prototype", "name", "id"]
        indexes = [models.Index(fields=["initiative", "name"])]

    def __str__(self) -> str:
        return self.name

    @property
    def is_handed_off(self) -> bool:
        return self.ownership == self.Ownership.HANDED_OFF


class LearningSprint(models.Model):
    """One cycle of a group: prepare, sprint, review."""

    class Phase(models.TextChoices):
        PREPARE = "prepare", _("Prepare")
        SPRINT = "sprint", _("Sprint")
        REVIEW = "review", _("Review")
        DONE = "done", _("Done")

    class NextStep(models.TextChoices):
        CONTINUE = "continue", _("Continue")
        ADAPT = "adapt", _("Adapt")
        STOP = "stop", _("Stop")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="sprints")
    follows = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="followed_by"
    )
    phase = models.CharField(max_length=10, choices=Phase.choices, default=Phase.PREPARE)
    focus_question = models.CharField(
        max_length=300, error_messages={"blank": _("Give the sprint a focus question.")}
    )
    practice = models.TextField(blank=True, max_length=2000)
    success_measure = models.TextField(blank=True, max_length=2000)
    evidence_method = models.TextField(blank=True, max_length=2000)
    evidence_before = models.TextField(blank=True, max_length=4000)
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)
    evidence_after = models.TextField(blank=True, max_length=4000)
    learned = models.TextField(blank=True, max_length=4000)
    next_step = models.CharField(max_length=10, choices=NextStep.choices, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["group", "starts_on", "id"]

    def __str__(self) -> str:
        return self.focus_question

    def clean(self) -> None:
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The sprint must not end before it starts.")})
        if self.starts_on and self.ends_on and (self.ends_on - self.starts_on).days > 120:
            raise ValidationError({"ends_on": _("A sprint lasts a few weeks: at most 120 days.")})
        if self.phase != self.Phase.PREPARE and not (self.starts_on and self.ends_on):
            raise ValidationError(
                {"starts_on": _("Give the sprint its start and end dates before it starts.")}
            )
        if self.phase == self.Phase.DONE and not self.next_step:
            raise ValidationError(
                {"next_step": _("Choose what comes next: continue, adapt or stop.")}
            )


class HandOff(models.Model):
    """Moving a group's ownership from the leader to its leads, and what became of it."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Waiting for confirmation")
        COMPLETE = "complete", _("Complete")
        PAUSED = "paused", _("Paused")
        REVERSED = "reversed", _("Reversed")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="handoffs")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PROPOSED)
    checklist = models.JSONField(default=dict)
    leader_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    leader_confirmed_at = models.DateTimeField(null=True, blank=True)
    lead_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    lead_confirmed_at = models.DateTimeField(null=True, blank=True)
    completed_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    reason = models.TextField(blank=True, max_length=2000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["group", "-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.group} ({self.status})"


class CheckIn(models.Model):
    """A planned meeting of a group with its supporter, and what it noted once held."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        HELD = "held", _("Held")
        CANCELLED = "cancelled", _("Cancelled")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="checkins")
    sprint = models.ForeignKey(
        LearningSprint, on_delete=models.CASCADE, null=True, blank=True, related_name="checkins"
    )
    planned_on = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PLANNED)
    #: Bumped whenever the date or status changes, for calendar clients (iCalendar SEQUENCE).
    sequence = models.PositiveIntegerField(default=0)
    held_on = models.DateField(null=True, blank=True)
    supporter_attended = models.BooleanField(null=True, blank=True)
    progress = models.TextField(blank=True, max_length=2000)
    helps = models.TextField(blank=True, max_length=2000)
    hinders = models.TextField(blank=True, max_length=2000)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["planned_on", "id"]
        indexes = [models.Index(fields=["group", "planned_on"])]

    def __str__(self) -> str:
        return f"{self.group} {self.planned_on}"

    def clean(self) -> None:
        if self.held_on and self.held_on > self.organisation.today():
            raise ValidationError({"held_on": _("A check-in cannot be logged before it is held.")})


class Barrier(models.Model):
    """Something in a group's way, raised at a check-in or any time, and who removes it."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        IN_HAND = "in_hand", _("Being removed")
        RESOLVED = "resolved", _("Resolved")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="barriers")
    checkin = models.ForeignKey(
        CheckIn, on_delete=models.SET_NULL, null=True, blank=True, related_name="barriers"
    )
    description = models.CharField(
        max_length=300, error_messages={"blank": _("Say what is in the way.")}
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    remover = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="barriers_to_remove",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    raised_on = models.DateField(default=date.today)
    resolved_on = models.DateField(null=True, blank=True)
    resolution = models.TextField(blank=True, max_length=2000)

    class Meta:
        ordering = ["status", "raised_on", "id"]
        indexes = [models.Index(fields=["organisation", "status", "raised_on"])]

    def __str__(self) -> str:
        return self.description

    def age_days(self, today: date) -> int:
        """Days open so far, or days it took to resolve."""
        return ((self.resolved_on or today) - self.raised_on).days

    def clean(self) -> None:
        today = self.organisation.today()
        if self.raised_on and self.raised_on > today:
            raise ValidationError({"raised_on": _("A barrier cannot be raised in the future.")})
        if self.resolved_on and self.raised_on and self.resolved_on < self.raised_on:
            raise ValidationError(
                {"resolved_on": _("A barrier cannot be resolved before it was raised.")}
            )
        if self.status == self.Status.RESOLVED and not self.resolution.strip():
            raise ValidationError({"resolution": _("Say how the barrier was removed.")})


class BalanceThresholds(models.Model):
    """An organisation's own thresholds for the balance signals (``docs/balance.md``)."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="balance_thresholds"
    )
    max_leader_share = models.PositiveSmallIntegerField(
        default=40,
        validators=[MaxValueValidator(100, _("Use a percentage between 0 and 100."))],
    )
    max_leader_edits = models.PositiveSmallIntegerField(
        default=3, validators=[MaxValueValidator(1000, _("Use at most 1,000."))]
    )
    min_attendance = models.PositiveSmallIntegerField(
        default=50,
        validators=[MaxValueValidator(100, _("Use a percentage between 0 and 100."))],
    )
    overdue_days = models.PositiveSmallIntegerField(
        default=21,
        validators=[
            MinValueValidator(1, _("Choose between 1 and 365 days.")),
            MaxValueValidator(365, _("Choose between 1 and 365 days.")),
        ],
    )

    def __str__(self) -> str:
        return f"Balance thresholds of {self.organisation}"
