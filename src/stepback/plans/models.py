"""An initiative's plan: objectives and actions, and the revisions that record it.

Objectives and actions are the plan as it stands, which is the **draft** whenever it differs
from the latest revision. A row is never deleted, only ``removed``, so its id stays stable
for every snapshot that names it and a restore can bring it back. ``version`` counts the
row's saves: a write names the version it started from, and a stale one is refused.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from stepback.accounts.models import Organisation
from stepback.goals.models import Goal
from stepback.initiatives.models import Initiative


class Plan(models.Model):
    """One a initiative; ``head_number`` is the number of its latest revision (0: none yet)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    initiative = models.OneToOneField(Initiative, on_delete=models.CASCADE, related_name="plan")
    head_number = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Plan of {self.initiative}"


class ObjectiveQuerySet(models.QuerySet["Objective"]):
    def live(self) -> ObjectiveQuerySet:
        """The objectives in the plan (not removed)."""
        return self.filter(removed=False)


class ActionQuerySet(models.QuerySet["Action"]):
    def live(self) -> ActionQuerySet:
        """The actions in the plan (not removed)."""
        return self.filter(removed=False)


class Objective(models.Model):
    """What the plan aims at, linked to the goals it serves."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="objectives")
    title = models.CharField(
        max_length=200, error_messages={"blank": _("Give the objective a title.")}
    )
    description = models.TextField(blank=True, max_length=5000)
    goals = models.ManyToManyField(Goal, blank=True, related_name="+")
    position = models.PositiveIntegerField(default=0)
    version = models.PositiveIntegerField(default=1)
    removed = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    objects = ObjectiveQuerySet.as_manager()

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.title


class Action(models.Model):
    """A piece of work: who does it, between which dates, and how it stands."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        BLOCKED = "blocked", _("Blocked")
        DROPPED = "dropped", _("Dropped")

    #: Statuses of work still to do: only these can be overdue.
    OPEN = (Status.NOT_STARTED, Status.IN_PROGRESS, Status.BLOCKED)

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="actions")
    objective = models.ForeignKey(
        Objective, on_delete=models.SET_NULL, null=True, blank=True, related_name="actions"
    )
    title = models.CharField(
        max_length=200, error_messages={"blank": _("Give the action a title.")}
    )
    description = models.TextField(blank=True, max_length=5000)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="plan_actions",
    )
    start_date = models.DateField(null=True, blank=True)
    due_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    goals = models.ManyToManyField(Goal, blank=True, related_name="+")
    position = models.PositiveIntegerField(default=0)
    version = models.PositiveIntegerField(default=1)
    removed = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = ["position", "id"]
        indexes = [
            models.Index(fields=["plan", "removed"]),
            models.Index(fields=["owner", "organisation", "removed", "due_date"]),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.start_date and self.due_date and self.due_date < self.start_date:
            raise ValidationError(
                {"due_date": _("The due date must not be before the start date.")}
            )

    def is_overdue(self, today: object) -> bool:
        return bool(self.due_date and self.status in self.OPEN and self.due_date < today)  # type: ignore[operator]


class Revision(models.Model):
    """A saved state of the plan: immutable, numbered, with why it changed."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    rationale = models.TextField(
        max_length=5000, error_messages={"blank": _("Say why the plan changes.")}
    )
    #: ``{"objectives": {id: row}, "actions": {id: row}}`` (``plans.snapshots``).
    snapshot = models.JSONField()
    #: What changed since the revision before, as ``compare.summarise`` facts.
    summary = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="one_revision_number_a_plan")
        ]

    def __str__(self) -> str:
        return f"Revision {self.number}"


class Evidence(models.Model):
    """What a revision cites: an observation, a goal with its pace at the time, or (from
    the apps after this one) a stepback, a survey round, a barrier: any ``kind`` and id.

    ``label`` and ``facts`` are copied when the revision is saved, so the evidence reads
    as it stood then, even after the row it names changes or goes.
    """

    revision = models.ForeignKey(Revision, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(max_length=30)
    object_id = models.PositiveBigIntegerField()
    label = models.CharField(max_length=300)
    facts = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["kind", "id"]

    def __str__(self) -> str:
        return self.label
