"""Goals, their milestones and measurements, and measurement imports.

The tables keep the names they had in the ``initiatives`` app (``db_table``): the models
moved here in state only, so no data moved.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Func, Q
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from stepback.accounts.models import Organisation
from stepback.core.services import check_number
from stepback.goals.pace import Status, render_reason
from stepback.initiatives.models import Initiative
from stepback.lib.formats import trim_number

# The pace statuses a goal stores; their names and labels are pace.Status's, read in the
# language active when shown.
STATUS_CHOICES = [(status.value, lazy(lambda s=status: s.label, str)()) for status in Status]
STATUS_KEYS = [key for key, _ in STATUS_CHOICES]
STATUS_LABELS = dict(STATUS_CHOICES)

# xgettext:no-python-format
SHARE_MESSAGE = _("Use a share between 0% and 100%.")
HALF_A_BASELINE = _(
    "Give both the baseline value and its date, or leave both empty "
    "(then the first measurement serves as the baseline)."
)


def check_share(value: float) -> None:
    """A validator: a tolerance is a share of the planned change, from 0 to 1."""
    if not 0 <= value <= 1:
        raise ValidationError(str(SHARE_MESSAGE), code="share")


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
    name = models.CharField(max_length=200, error_messages={"blank": _("Give the goal a name.")})
    description = models.TextField(blank=True)
    unit = models.CharField(max_length=30, blank=True, help_text='For example "%" or "teachers".')
    higher_is_better = models.BooleanField(default=True)
    baseline_value = models.FloatField(null=True, blank=True, validators=[check_number])
    baseline_date = models.DateField(null=True, blank=True)
    target_value = models.FloatField(validators=[check_number])
    target_date = models.DateField()
    on_pace_tolerance = models.FloatField(
        default=0.05,
        validators=[check_share],
        help_text=_(
            "Share of the planned change the forecast may fall short and still be on pace."
        ),
    )
    at_risk_tolerance = models.FloatField(
        default=0.15,
        validators=[check_share],
        help_text=_("A forecast short by at most this share of the planned change is at risk."),
    )
    lower_bound = models.FloatField(
        null=True,
        blank=True,
        validators=[check_number],
        help_text=_("The lowest value the measure can take, if it has one (0 for a count)."),
    )
    upper_bound = models.FloatField(
        null=True,
        blank=True,
        validators=[check_number],
        help_text=_(
            "The highest value the measure can take, if it has one (100 for a share in %)."
        ),
    )
    created_at = models.DateTimeField(default=timezone.now)

    status = models.CharField(max_length=20, choices=STATUS_CHOICES, default="not_enough_data")
    status_reason_code = models.CharField(max_length=40, blank=True)
    status_reason_params = models.JSONField(default=dict, blank=True)
    latest_value = models.FloatField(null=True, blank=True)
    latest_date = models.DateField(null=True, blank=True)
    measurement_count = models.PositiveIntegerField(default=0)
    status_as_of = models.DateField(null=True, blank=True)
    #: The rest of the stored judgement the goal page shows (:func:`pace_detail`), so no page
    #: judges again: ``expected``, ``projection`` and the ``baseline`` used.
    pace_detail = models.JSONField(default=dict, blank=True)

    objects = GoalQuerySet.as_manager()

    class Meta:
        db_table = "initiatives_goal"
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

    @property
    def status_reason(self) -> str:
        """The stored reason as a sentence, rendered when shown (so it can be translated)."""
        if not self.status_reason_code:
            return ""
        return render_reason(self.status_reason_code, self.status_reason_params)

    @property
    def bounds(self) -> tuple[float | None, float | None]:
        """The declared (lower, upper) bounds of the measure; None where there is none."""
        return self.lower_bound, self.upper_bound

    def clean(self) -> None:
        """The rules between fields: a whole baseline or none, a target after it,
        tolerances in order, and the baseline and target within the bounds."""
        errors: dict[str, str] = {}
        if (self.baseline_value is None) != (self.baseline_date is None):
            missing = "baseline_date" if self.baseline_date is None else "baseline_value"
            errors[missing] = str(HALF_A_BASELINE)
        if self.baseline_date and self.target_date and self.target_date <= self.baseline_date:
            errors["target_date"] = str(_("The target date must be after the baseline date."))
        on_pace, at_risk = self.on_pace_tolerance, self.at_risk_tolerance
        if on_pace is not None and at_risk is not None and on_pace > at_risk:
            errors["at_risk_tolerance"] = _(
                "The at-risk share must be at least the on-pace share (%(share)s%%)."
            ) % {"share": trim_number(on_pace * 100, 6)}
        lower, upper = self.lower_bound, self.upper_bound
        if lower is not None and upper is not None and lower >= upper:
            errors["upper_bound"] = str(_("The upper bound must be above the lower bound."))
        else:
            for name in ("baseline_value", "target_value"):
                problem = bound_problem(getattr(self, name), self.bounds)
                if problem and name not in errors:
                    errors[name] = problem
        if errors:
            raise ValidationError(errors)


def bound_problem(value: float | None, bounds: tuple[float | None, float | None]) -> str:
    """Why ``value`` lies outside a goal's (lower, upper) bounds; "" when it does not."""
    lower, upper = bounds
    if value is None:
        return ""
    if lower is not None and value < lower:
        return f"Use a value of at least {trim_number(lower, 6)}, the goal's lower bound."
    if upper is not None and value > upper:
        return f"Use a value of at most {trim_number(upper, 6)}, the goal's upper bound."
    return ""


class Milestone(models.Model):
    """An interim point on a goal's planned path."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="milestones")
    date = models.DateField()
    value = models.FloatField()
    label = models.CharField(max_length=100, blank=True)

    class Meta:
        db_table = "initiatives_milestone"
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["goal", "date"], name="one_milestone_per_goal_date")
        ]

    def __str__(self) -> str:
        return f"{self.value:g} by {self.date}"


class Measurement(models.Model):
    """A dated value of a goal's measure: one a date (``goals.services`` says what a
    second value on a stored date does)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    # No index of its own: the (goal, date) index serves every read by goal, and the deletes
    # of a goal's rows.
    goal = models.ForeignKey(
        Goal, on_delete=models.CASCADE, related_name="measurements", db_index=False
    )
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
        db_table = "initiatives_measurement"
        ordering = ["date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["goal", "idempotency_key"], name="one_measurement_per_idempotency_key"
            ),
            # Its index also serves every read of a goal's measurements by date.
            models.UniqueConstraint(fields=["goal", "date"], name="one_measurement_per_goal_date"),
        ]

    def __str__(self) -> str:
        return f"{self.goal}: {self.value} on {self.date}"


class MonthSummary(models.Model):
    """One calendar month of a goal's measurements, summed: what charts and the pace's older
    history read, so no page reads every point of a goal.

    The write services rebuild the months a write touches (``goals.services``), from the
    measurements themselves, so a summary is exact, never a running total.
    """

    goal = models.ForeignKey(
        Goal, on_delete=models.CASCADE, related_name="month_summaries", db_index=False
    )
    month = models.DateField(help_text="The first day of the month.")
    count = models.PositiveIntegerField()
    total = models.FloatField(help_text="The sum of the month's values.")
    first_date = models.DateField()
    last_date = models.DateField()

    class Meta:
        db_table = "goals_monthsummary"
        ordering = ["goal", "month"]
        constraints = [
            models.UniqueConstraint(fields=["goal", "month"], name="one_summary_per_goal_month")
        ]

    def __str__(self) -> str:
        return f"{self.goal_id} {self.month:%Y-%m}: {self.count}"

    @property
    def mean(self) -> float:
        return self.total / self.count

    @property
    def middle(self) -> date:
        """The date half-way between the month's first and last measurement."""
        first = self.first_date.toordinal()
        return date.fromordinal(first + (self.last_date.toordinal() - first) // 2)


class MonthStart(Func):
    """The first day of a date's month, with the database's own date function (SQLite's
    ``strftime``, PostgreSQL's ``date_trunc``), not a Python function called per row."""

    output_field = models.DateField()
    arity = 1
    #: ``strftime``'s pattern (with ``%`` doubled twice: once for the template, once for the
    #: query's parameters) and ``date_trunc``'s field.
    sqlite_pattern = "%%%%Y-%%%%m-01"
    postgresql_field = "month"

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        template = f"strftime('{self.sqlite_pattern}', %(expressions)s)"
        return self.as_sql(compiler, connection, template=template)

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        template = f"CAST(date_trunc('{self.postgresql_field}', %(expressions)s) AS date)"
        return self.as_sql(compiler, connection, template=template)


class YearStart(MonthStart):
    """The first day of a date's year, the same way."""

    sqlite_pattern = "%%%%Y-01-01"
    postgresql_field = "year"


class MeasurementImport(models.Model):
    """One spreadsheet upload for a goal, from upload through mapping and preview to commit."""

    class State(models.TextChoices):
        UPLOADED = "uploaded", _("Uploaded")
        VALIDATING = "validating", _("Checking rows")
        READY = "ready", _("Ready to import")
        INVALID = "invalid", _("Has problems")
        COMMITTING = "committing", _("Importing")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Failed")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="imports")
    filename = models.CharField(max_length=255)
    content = models.BinaryField()
    #: The file as read at upload (:func:`stepback.lib.tabular.dump_table`), so no later
    #: step reads it again; None for imports uploaded before it was stored.
    parsed_table = models.BinaryField(
        null=True, help_text=_("The uploaded file as read: compressed JSON of its table.")
    )
    #: Its first rows only, and how each date-like column's dates read, both made at
    #: upload: the pages before the check read these, never the whole table.
    parsed_head = models.BinaryField(
        null=True, help_text="The table's first rows, as parsed_table stores a table."
    )
    column_orders = models.JSONField(
        default=dict, blank=True, help_text="Each date-like column's possible date orders."
    )
    state = models.CharField(max_length=20, choices=State.choices, default=State.UPLOADED)
    mapping = models.JSONField(default=dict, blank=True)
    date_order = models.CharField(max_length=20, blank=True)
    row_count = models.PositiveIntegerField(default=0)
    progress = models.PositiveIntegerField(default=0, help_text=_("Rows processed so far."))
    progress_at = models.DateTimeField(
        null=True, blank=True, help_text=_("When checking or committing last reported progress.")
    )
    problems = models.JSONField(default=list, blank=True)
    #: What the check found besides problems: rows new to the goal, rows whose date already
    #: has their value (skipped), and rows whose date has another value (``changes``:
    #: ``{"row", "date", "stored", "value"}``), which the person may replace or leave.
    new_count = models.PositiveIntegerField(default=0)
    stored_count = models.PositiveIntegerField(default=0)
    changes = models.JSONField(default=list, blank=True)
    #: The rows of ``changes`` whose stored value the commit replaces, chosen at the claim.
    replace_rows = models.JSONField(default=list, blank=True)
    #: The rows a check without problems found new or changed, as they will be stored, so
    #: the commit stores them without reading the table again (``imports.checked_rows``).
    checked_rows = models.BinaryField(
        null=True,
        help_text="The checked rows: compressed JSON of [row, day, value, note, source].",
    )
    imported_count = models.PositiveIntegerField(default=0)
    replaced_count = models.PositiveIntegerField(default=0)
    error = models.CharField(max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "initiatives_measurementimport"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.filename} for {self.goal}"
