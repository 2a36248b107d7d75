from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Count, Q
from django.utils import timezone

from stepback.accounts.models import Organisation
from stepback.initiatives.pace import Status
from stepback.initiatives.stages import STAGE_CHOICES, Stage

# The pace statuses a goal stores; their names and labels are pace.Status's.
STATUS_CHOICES = [(status.value, status.label) for status in Status]
STATUS_KEYS = [key for key, _ in STATUS_CHOICES]
STATUS_LABELS = dict(STATUS_CHOICES)


class InitiativeQuerySet(models.QuerySet["Initiative"]):
    def for_org(self, org: Organisation) -> InitiativeQuerySet:
        return self.filter(organisation=org)

    def active(self) -> InitiativeQuerySet:
        return self.filter(archived_at__isnull=True)

    def with_status_counts(self) -> InitiativeQuerySet:
        """Annotate ``goals_<status>`` counts from each goal's stored pace status."""
        return self.annotate(
            goals_total=Count("goals", distinct=True),
            **{
                f"goals_{key}": Count("goals", filter=Q(goals__status=key), distinct=True)
                for key in STATUS_KEYS
            },
        )


class Initiative(models.Model):
    """One strategic change, led by a leader with a support team, moving through six stages."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="initiatives"
    )
    title = models.CharField(max_length=200)
    summary = models.CharField(max_length=300, blank=True)
    current_state = models.TextField(blank=True, help_text="Markdown.")
    problem = models.TextField(blank=True, help_text="Markdown.")
    desired_state = models.TextField(blank=True, help_text="Markdown.")
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
        default=3, help_text="Stepbacks are monthly for this many months from the start."
    )
    review_interval_months = models.PositiveSmallIntegerField(
        default=3, help_text="After that, a stepback every this many months."
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

    def goal_status_counts(self) -> dict[str, int]:
        """Goal counts by status, read from the ``with_status_counts`` annotations."""
        return {key: getattr(self, f"goals_{key}", 0) for key in STATUS_KEYS}


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


class GoalQuerySet(models.QuerySet["Goal"]):
    def for_org(self, org: Organisation) -> GoalQuerySet:
        return self.filter(organisation=org)


class Goal(models.Model):
    """A goal with a measure: where it starts, where it should be by when, and which way is good.

    ``status`` and the fields after it are the latest pace assessment, stored so
    that dashboards read them without touching the measurements; services
    refresh them after every change and a daily task as time passes.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="goals")
    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="goals")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    unit = models.CharField(max_length=30, blank=True, help_text='For example "%" or "teachers".')
    higher_is_better = models.BooleanField(default=True)
    baseline_value = models.FloatField(null=True, blank=True)
    baseline_date = models.DateField(null=True, blank=True)
    target_value = models.FloatField()
    target_date = models.DateField()
    on_pace_tolerance = models.FloatField(
        default=0.05,
        help_text="Share of the planned change a goal may be behind and still be on pace.",
    )
    at_risk_tolerance = models.FloatField(
        default=0.15,
        help_text="Behind by more than the on-pace share but no more than this: at risk.",
    )
    created_at = models.DateTimeField(default=timezone.now)

    status = models.CharField(max_length=20, choices=STATUS_CHOICES, default="not_enough_data")
    status_reason = models.CharField(max_length=400, blank=True)
    latest_value = models.FloatField(null=True, blank=True)
    latest_date = models.DateField(null=True, blank=True)
    measurement_count = models.PositiveIntegerField(default=0)
    status_as_of = models.DateField(null=True, blank=True)

    objects = GoalQuerySet.as_manager()

    class Meta:
        ordering = ["initiative", "name"]
        indexes = [models.Index(fields=["organisation", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(on_pace_tolerance__gte=0)
                & Q(at_risk_tolerance__gte=models.F("on_pace_tolerance")),
                name="goal_tolerances_ordered",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Milestone(models.Model):
    """An interim point on a goal's planned path."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="milestones")
    date = models.DateField()
    value = models.FloatField()
    label = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["goal", "date"], name="one_milestone_per_goal_date")
        ]

    def __str__(self) -> str:
        return f"{self.value:g} by {self.date}"


class Measurement(models.Model):
    """A dated value of a goal's measure."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="measurements")
    date = models.DateField()
    value = models.FloatField()
    note = models.CharField(max_length=500, blank=True)
    source = models.CharField(max_length=200, blank=True)
    idempotency_key = models.CharField(max_length=100, null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["date", "id"]
        indexes = [models.Index(fields=["goal", "date"])]
        constraints = [
            models.UniqueConstraint(
                fields=["goal", "idempotency_key"], name="one_measurement_per_idempotency_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.goal}: {self.value} on {self.date}"


class Tag(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=50)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["organisation", "name"], name="tag_unique")]

    def __str__(self) -> str:
        return self.name


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
        VISIT = "visit", "Classroom or site visit"
        INTERVIEW = "interview", "Interview"
        MEETING = "meeting", "Meeting note"
        OTHER = "other", "Other"

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="observations"
    )
    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="observations"
    )
    date = models.DateField(default=date.today)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OTHER)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="observations")
    goals = models.ManyToManyField(Goal, blank=True, related_name="observations")
    created_at = models.DateTimeField(default=timezone.now)

    objects = ObservationQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["initiative", "date"])]

    def __str__(self) -> str:
        return self.title


class MeasurementImport(models.Model):
    """One spreadsheet upload for a goal, from upload through mapping and preview to commit."""

    class State(models.TextChoices):
        UPLOADED = "uploaded", "Uploaded"
        VALIDATING = "validating", "Checking rows"
        READY = "ready", "Ready to import"
        INVALID = "invalid", "Has problems"
        COMMITTING = "committing", "Importing"
        DONE = "done", "Imported"
        FAILED = "failed", "Failed"

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="imports")
    filename = models.CharField(max_length=255)
    content = models.BinaryField()
    state = models.CharField(max_length=20, choices=State.choices, default=State.UPLOADED)
    mapping = models.JSONField(default=dict, blank=True)
    date_order = models.CharField(max_length=20, blank=True)
    row_count = models.PositiveIntegerField(default=0)
    progress = models.PositiveIntegerField(default=0, help_text="Rows processed so far.")
    progress_at = models.DateTimeField(
        null=True, blank=True, help_text="When checking or committing last reported progress."
    )
    problems = models.JSONField(default=list, blank=True)
    imported_count = models.PositiveIntegerField(default=0)
    error = models.CharField(max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.filename} for {self.goal}"
