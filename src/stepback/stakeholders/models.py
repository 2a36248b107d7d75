"""Stakeholders and the social levers: the register, the 2x2 map, engagement, the change network.

An ``InitiativeStakeholder`` links a stakeholder of the organisation's register to an
initiative, with the identification prompt they came from, and keeps their **latest**
scores and last contact (set by the services), so the map and the tickler read one row a
stakeholder however long the assessment and touchpoint history grows.
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
from stepback.initiatives.models import Initiative
from stepback.stakeholders.quadrants import MAX_SCORE, MIN_SCORE, Quadrant, quadrant_for

SCORE_VALIDATORS = [MinValueValidator(MIN_SCORE), MaxValueValidator(MAX_SCORE)]


class Unit(models.Model):
    """A part of the organisation (a school, a department); units form a small tree."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=120, error_messages={"blank": _("Give the unit a name.")})
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    affected_people = models.PositiveIntegerField(
        default=0, help_text=_("How many people in this unit the change affects.")
    )

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="one_unit_name_per_org")
        ]

    def __str__(self) -> str:
        return self.name


class Stakeholder(models.Model):
    """A person, a group or an outside organisation that the organisation's changes affect."""

    class Kind(models.TextChoices):
        PERSON = "person", _("Person")
        GROUP = "group", _("Group")
        ORGANISATION = "organisation", _("Outside organisation")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="stakeholders"
    )
    name = models.CharField(
        max_length=200, error_messages={"blank": _("Give the stakeholder a name.")}
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.PERSON)
    role_title = models.CharField(max_length=200, blank=True)
    unit = models.ForeignKey(
        Unit, on_delete=models.SET_NULL, null=True, blank=True, related_name="stakeholders"
    )
    contact = models.CharField(max_length=254, blank=True)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["organisation", "name"])]

    def __str__(self) -> str:
        return self.name


class StakeholderNote(models.Model):
    """A dated concern or priority of a stakeholder: they change, so each is kept."""

    class Kind(models.TextChoices):
        CONCERN = "concern", _("Concern")
        PRIORITY = "priority", _("Priority")

    stakeholder = models.ForeignKey(Stakeholder, on_delete=models.CASCADE, related_name="notes_log")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    date = models.DateField(default=date.today)
    text = models.CharField(max_length=500, error_messages={"blank": _("Say what it is.")})
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return self.text


class Prompt(models.TextChoices):
    """The four identification questions of seed 004."""

    SOLUTION = "solution", _("Who needs to be involved to create an effective change solution?")
    SPONSORSHIP = (
        "sponsorship",
        _(
            "Who needs to be involved to get adequate sponsorship, resourcing and "
            "decision-making authority?"
        ),
    )
    PERCEPTION = (
        "perception",
        _("Who has a disproportionate impact on other people's perception of the change?"),
    )
    AFFECTED = (
        "affected",
        _("Who needs to be involved to represent those most impacted by the change?"),
    )


class Support(models.IntegerChoices):
    RESISTANT = 1, _("Resistant")
    SCEPTICAL = 2, _("Sceptical")
    NEUTRAL = 3, _("Neutral")
    SUPPORTIVE = 4, _("Supportive")
    CHAMPION = 5, _("Champion")


class InitiativeStakeholder(models.Model):
    """A stakeholder on an initiative: the prompt they answer, and their latest standing."""

    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="stakeholder_links"
    )
    stakeholder = models.ForeignKey(
        Stakeholder, on_delete=models.CASCADE, related_name="initiative_links"
    )
    prompt = models.CharField(max_length=20, choices=Prompt.choices, blank=True)
    added_on = models.DateField(default=date.today)
    influence = models.PositiveSmallIntegerField(null=True, blank=True)
    interest = models.PositiveSmallIntegerField(null=True, blank=True)
    support = models.PositiveSmallIntegerField(choices=Support.choices, null=True, blank=True)
    assessed_on = models.DateField(null=True, blank=True)
    last_contact_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["stakeholder__name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["initiative", "stakeholder"], name="one_link_per_initiative_stakeholder"
            )
        ]
        indexes = [models.Index(fields=["initiative", "influence", "interest"])]

    def __str__(self) -> str:
        return f"{self.stakeholder_id} on {self.initiative_id}"

    @property
    def quadrant(self) -> Quadrant | None:
        if self.influence is None or self.interest is None:
            return None
        return quadrant_for(self.influence, self.interest)


class Assessment(models.Model):
    """One scoring of a stakeholder on an initiative; re-assessments add rows, history stays."""

    link = models.ForeignKey(
        InitiativeStakeholder, on_delete=models.CASCADE, related_name="assessments"
    )
    influence = models.PositiveSmallIntegerField(validators=SCORE_VALIDATORS)
    interest = models.PositiveSmallIntegerField(validators=SCORE_VALIDATORS)
    support = models.PositiveSmallIntegerField(choices=Support.choices, null=True, blank=True)
    date = models.DateField(default=date.today)
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["link", "date"])]

    def __str__(self) -> str:
        return f"{self.influence}/{self.interest} on {self.date}"

    def clean(self) -> None:
        organisation = self.link.initiative.organisation
        if self.date and self.date > organisation.today():
            raise ValidationError({"date": _("An assessment cannot be dated in the future.")})


class Touchpoint(models.Model):
    """One engagement event with one or many stakeholders of an initiative."""

    class Kind(models.TextChoices):
        CO_CREATION = "co_creation", _("Co-creation session")
        JOINT_PRIORITISATION = "joint_prioritisation", _("Joint prioritisation")
        ALIGNMENT_CALL = "alignment_call", _("Alignment call")
        PROGRESS_REPORT = "progress_report", _("Progress report")
        TRAINING = "training", _("Training")
        HOW_TO = "how_to", _("How-to communication")
        MEETING = "meeting", _("Meeting")
        ONE_TO_ONE = "one_to_one", _("One-to-one")
        OTHER = "other", _("Other")

    class Sentiment(models.IntegerChoices):
        NEGATIVE = -1, _("Negative")
        NEUTRAL = 0, _("Neutral")
        POSITIVE = 1, _("Positive")

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="touchpoints")
    kind = models.CharField(max_length=30, choices=Kind.choices, default=Kind.MEETING)
    date = models.DateField(default=date.today)
    notes = models.TextField(blank=True)
    sentiment = models.SmallIntegerField(choices=Sentiment.choices, default=Sentiment.NEUTRAL)
    stakeholders = models.ManyToManyField(Stakeholder, related_name="touchpoints")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["initiative", "date"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.date}"

    def clean(self) -> None:
        if self.date and self.date > self.initiative.organisation.today():
            raise ValidationError({"date": _("A touchpoint cannot be dated in the future.")})


class ChangeNetwork(models.Model):
    """An initiative's change network: its plan, kickoff and coverage rule."""

    initiative = models.OneToOneField(
        Initiative, on_delete=models.CASCADE, related_name="change_network"
    )
    meeting_cadence = models.CharField(max_length=200, blank=True)
    communication_plan = models.TextField(blank=True)
    kickoff_on = models.DateField(null=True, blank=True)
    people_per_champion = models.PositiveSmallIntegerField(
        default=25, validators=[MinValueValidator(1), MaxValueValidator(1000)]
    )

    def __str__(self) -> str:
        return f"Change network of {self.initiative_id}"


class Champion(models.Model):
    """A change champion for a unit: nominated, invited, then confirmed or declined."""

    class Status(models.TextChoices):
        NOMINATED = "nominated", _("Nominated")
        INVITED = "invited", _("Invited")
        CONFIRMED = "confirmed", _("Confirmed")
        DECLINED = "declined", _("Declined")

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="champions")
    stakeholder = models.ForeignKey(Stakeholder, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="champions")
    email = models.EmailField(blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NOMINATED)
    active = models.BooleanField(default=True)
    invited_at = models.DateTimeField(null=True, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["unit__name", "stakeholder__name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["initiative", "stakeholder"], name="one_champion_per_initiative_person"
            )
        ]

    def __str__(self) -> str:
        return f"Champion {self.stakeholder_id} for {self.unit_id}"


class ChampionFeedback(models.Model):
    """What champions said, and what was done about it."""

    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="champion_feedback"
    )
    champion = models.ForeignKey(Champion, on_delete=models.SET_NULL, null=True, blank=True)
    date = models.DateField(default=date.today)
    text = models.TextField(error_messages={"blank": _("Say what the champion said.")})
    action_taken = models.TextField(blank=True)

    class Meta:
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return self.text[:60]


class NetworkResource(models.Model):
    """A link shared with the change network."""

    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="network_resources"
    )
    title = models.CharField(max_length=200, error_messages={"blank": _("Give it a title.")})
    url = models.URLField(max_length=500)

    class Meta:
        ordering = ["title", "id"]

    def __str__(self) -> str:
        return self.title


class ContactCadence(models.Model):
    """How many days without a touchpoint make someone of each quadrant overdue (the tickler)."""

    initiative = models.OneToOneField(
        Initiative, on_delete=models.CASCADE, related_name="contact_cadence"
    )
    change_makers_days = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(730)]
    )
    change_sponsors_days = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(730)]
    )
    onlookers_days = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(730)]
    )
    change_adopters_days = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(730)]
    )

    def __str__(self) -> str:
        return f"Contact cadence of {self.initiative_id}"

    def days(self) -> dict[Quadrant, int]:
        return {quadrant: getattr(self, f"{quadrant.value}_days") for quadrant in Quadrant}
