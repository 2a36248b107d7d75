"""Feedback channels and their items, pulse surveys and their rounds.

Anonymity is a property of the rows, not of the pages: an anonymous item or survey response
stores no user, email, client address or time finer than the day, and its id is random
(``random_id``), so neither ids nor their order tie a row to a moment or to a personal link.
``docs/privacy.md`` lists what each kind of row keeps.
"""

from __future__ import annotations

import secrets
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from stepback.accounts.models import Organisation
from stepback.core.models import Tag
from stepback.goals.models import Goal
from stepback.initiatives.models import Initiative

MAX_ITEM_LENGTH = 2000
DEFAULT_THRESHOLD = 5
MIN_THRESHOLD = 3


def random_id() -> int:
    """A primary key that says nothing about when a row was written."""
    return secrets.randbelow(2**62) + 1


def channel_key() -> str:
    return secrets.token_urlsafe(12)


class FeedbackSettings(models.Model):
    """An organisation's rules for results: the smallest group whose figures are shown."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="feedback_settings"
    )
    threshold = models.PositiveSmallIntegerField(
        default=DEFAULT_THRESHOLD,
        validators=[
            MinValueValidator(MIN_THRESHOLD, _("The threshold cannot be below 3.")),
            MaxValueValidator(100, _("The threshold cannot be above 100.")),
        ],
    )

    def __str__(self) -> str:
        return f"threshold {self.threshold}"


class Identity(models.TextChoices):
    ANONYMOUS = "anonymous", _("Anonymous only")
    NAMED = "named", _("Named only")
    EITHER = "either", _("Anonymous or named, as each person chooses")


class Channel(models.Model):
    """A place to send feedback for one initiative: a public link and its QR code."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="feedback_channels"
    )
    name = models.CharField(max_length=120, error_messages={"blank": _("Give the channel a name.")})
    prompt = models.CharField(max_length=300, blank=True)
    key = models.CharField(max_length=32, unique=True, default=channel_key, editable=False)
    access_code = models.CharField(max_length=40, blank=True)
    opens_on = models.DateField(null=True, blank=True)
    closes_on = models.DateField(null=True, blank=True)
    identity = models.CharField(max_length=12, choices=Identity.choices, default=Identity.EITHER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.opens_on and self.closes_on and self.closes_on < self.opens_on:
            raise ValidationError({"closes_on": _("The channel cannot close before it opens.")})

    def is_open(self, today: date) -> bool:
        return not (self.opens_on and today < self.opens_on) and not (
            self.closes_on and today > self.closes_on
        )


class Status(models.TextChoices):
    NEW = "new", _("New")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    WONT_DO = "wont_do", _("Won't do")


class FeedbackItemQuerySet(models.QuerySet["FeedbackItem"]):
    def for_initiative(self, initiative: Initiative | int) -> FeedbackItemQuerySet:
        return self.filter(initiative=initiative)

    def search(self, text: str) -> FeedbackItemQuerySet:
        queryset = self
        for word in text.split()[:10]:
            queryset = queryset.filter(models.Q(body__icontains=word))
        return queryset


class FeedbackItem(models.Model):
    """One message sent through a channel. Anonymous ones keep no identity and only a day."""

    id = models.BigIntegerField(primary_key=True, default=random_id, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="+")
    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="items")
    body = models.TextField(
        max_length=MAX_ITEM_LENGTH, error_messages={"blank": _("Write your feedback.")}
    )
    anonymous = models.BooleanField(default=True)
    name = models.CharField(max_length=120, blank=True)
    email = models.EmailField(blank=True)
    submitted_on = models.DateField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.NEW)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="feedback_items")
    answer = models.TextField(max_length=MAX_ITEM_LENGTH, blank=True)
    answered_on = models.DateField(null=True, blank=True)
    published = models.BooleanField(default=False)
    follow_up_hash = models.CharField(max_length=64, unique=True)
    receipt_hash = models.CharField(max_length=64, unique=True)

    objects = FeedbackItemQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_on", "-id"]
        indexes = [
            models.Index(fields=["organisation", "-submitted_on", "-id"], name="feedback_item_org"),
            models.Index(
                fields=["channel", "status", "-submitted_on"], name="feedback_item_channel"
            ),
            models.Index(
                fields=["initiative", "status", "-submitted_on"], name="feedback_item_initiative"
            ),
        ]

    def __str__(self) -> str:
        return self.body[:60]

    def clean(self) -> None:
        if self.anonymous and (self.name or self.email):
            raise ValidationError({"name": _("An anonymous item keeps no name or email.")})
        if self.published and not self.answer.strip():
            raise ValidationError({"published": _("Write an answer before publishing it.")})


class QuestionKind(models.TextChoices):
    LIKERT = "likert", _("Agreement, 5 points")
    SINGLE = "single", _("One choice")
    MULTIPLE = "multiple", _("Several choices")
    NUMBER = "number", _("Number")
    TEXT = "text", _("Free text")


class Survey(models.Model):
    """A short set of questions, asked again in rounds; a template has no initiative.

    Every survey is anonymous: its responses keep no identity (docs/privacy.md).
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="surveys", null=True, blank=True
    )
    title = models.CharField(
        max_length=200, error_messages={"blank": _("Give the survey a title.")}
    )
    introduction = models.CharField(max_length=500, blank=True)
    is_template = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title", "id"]

    def __str__(self) -> str:
        return self.title


class Question(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(max_length=10, choices=QuestionKind.choices)
    text = models.CharField(max_length=300, error_messages={"blank": _("Write the question.")})
    choices = models.JSONField(default=list, blank=True)
    required = models.BooleanField(default=True)
    goal = models.ForeignKey(
        Goal, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.text


class Round(models.Model):
    """One time a survey is asked: open and close dates, a public link or personal ones."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="rounds")
    name = models.CharField(max_length=120, error_messages={"blank": _("Name the round.")})
    key = models.CharField(max_length=32, unique=True, default=channel_key, editable=False)
    opens_on = models.DateField()
    closes_on = models.DateField()
    personal = models.BooleanField(default=False)
    closed = models.BooleanField(default=False)
    fed_goals = models.BooleanField(default=False)

    class Meta:
        ordering = ["opens_on", "id"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.opens_on and self.closes_on and self.closes_on < self.opens_on:
            raise ValidationError({"closes_on": _("The round cannot close before it opens.")})

    def is_open(self, today: date) -> bool:
        return not self.closed and self.opens_on <= today <= self.closes_on


class Invitation(models.Model):
    """A personal one-time link. For an anonymous survey it records only that it was used."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    salt = models.CharField(max_length=32, default=channel_key, editable=False)
    token_hash = models.CharField(max_length=64, unique=True)
    used = models.BooleanField(default=False)
    reminders_sent = models.PositiveSmallIntegerField(default=0)
    sent_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "email"], name="invitation_once_a_round")
        ]

    def __str__(self) -> str:
        return self.email


class Response(models.Model):
    """One person's answers to a round: a random id and the day, nothing else about them."""

    id = models.BigIntegerField(primary_key=True, default=random_id, editable=False)
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="responses")
    submitted_on = models.DateField()

    def __str__(self) -> str:
        return f"response on {self.submitted_on}"


class Answer(models.Model):
    id = models.BigIntegerField(primary_key=True, default=random_id, editable=False)
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    number = models.FloatField(null=True, blank=True)
    text = models.TextField(blank=True, max_length=MAX_ITEM_LENGTH)
    choices = models.JSONField(default=list, blank=True)

    class Meta:
        indexes = [models.Index(fields=["question", "number"], name="answer_question")]

    def __str__(self) -> str:
        return f"answer to {self.question_id}"
