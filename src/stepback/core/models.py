"""The audit log: one row for every write a service makes.

Core sits below the feature apps, so it imports only ``accounts``: an entry names what it
is about with a short ``target_type`` string and an integer ``target_id``, and the
initiative it belongs to with a plain indexed ``initiative_id``, not a foreign key. That
keeps core free of the feature apps and keeps an insert to a single row with no reads;
the price is that the database does not check those ids, and deleting an initiative
leaves its entries behind, as a history should. Writes go through ``core.audit.record``,
reads through ``core.selectors``.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import models
from django.db.models import Q
from django.utils import timezone

from stepback.accounts.models import Organisation, User


def _start_of(day: date) -> datetime:
    """Midnight at the start of ``day`` in the site's time zone."""
    return timezone.make_aware(datetime.combine(day, time.min))


class AuditEntryQuerySet(models.QuerySet["AuditEntry"]):
    def for_org(self, organisation: Organisation) -> AuditEntryQuerySet:
        return self.filter(organisation=organisation)

    def matching(
        self,
        *,
        initiative_id: int | None = None,
        actor: User | int | None = None,
        kind: str | None = None,
        date_from: date | None = None,
        date_to: date | None = None,
        **_: Any,
    ) -> AuditEntryQuerySet:
        """Narrowed by each filter given; ``None`` leaves it out.

        ``kind`` is the first part of the verb: ``goal`` matches ``goal.update`` and
        ``goals.reorder``, ``measurement`` matches ``measurement.add`` and
        ``measurements.import``. Dates are whole days in the site's time zone, both included.
        """
        queryset = self
        if initiative_id is not None:
            queryset = queryset.filter(initiative_id=initiative_id)
        if actor is not None:
            queryset = queryset.filter(actor=actor)
        if kind:
            queryset = queryset.filter(
                Q(verb__startswith=f"{kind}.") | Q(verb__startswith=f"{kind}s.")
            )
        if date_from is not None:
            queryset = queryset.filter(created_at__gte=_start_of(date_from))
        if date_to is not None:
            queryset = queryset.filter(created_at__lt=_start_of(date_to + timedelta(days=1)))
        return queryset

    def newest_first(self) -> AuditEntryQuerySet:
        """The order every index below serves: newest first, the id breaking ties."""
        return self.order_by("-created_at", "-id")

    def before(self, entry: AuditEntry) -> AuditEntryQuerySet:
        """Entries older than ``entry`` in ``newest_first`` order (the keyset of the next page).

        The plain ``created_at <= …`` bound lets the database seek in the index; the OR only
        settles ties at that exact time.
        """
        moment = entry.created_at
        return self.filter(created_at__lte=moment).filter(
            Q(created_at__lt=moment) | Q(id__lt=entry.pk)
        )


class AuditEntry(models.Model):
    """Who did what to which thing, when, and what changed."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,  # every index below starts with it
    )
    actor = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,  # audit_actor_newest starts with it, and serves SET_NULL too
        help_text="Who did it; empty for automatic work, or when the account was deleted.",
    )
    verb = models.CharField(
        max_length=60, help_text="What was done: <kind>.<action>, e.g. goal.update."
    )
    target_type = models.CharField(max_length=40, help_text="What it was done to, e.g. goal.")
    target_id = models.BigIntegerField()
    initiative_id = models.BigIntegerField(
        null=True,
        blank=True,
        help_text="The initiative the entry belongs to; a plain id, so core needs no feature app.",
    )
    changes = models.JSONField(
        default=dict,
        blank=True,
        help_text="Small: {field: [old, new]} for an update, a few facts for other writes.",
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "audit entries"
        # Each index ends with ``verb``: a kind filter, and the API's COUNT under it, read
        # the index alone, never the table, so even a rare kind costs one index scan.
        indexes = [
            models.Index(
                fields=["organisation", "-created_at", "-id", "verb"], name="audit_org_newest"
            ),
            models.Index(
                fields=["organisation", "initiative_id", "-created_at", "-id", "verb"],
                name="audit_initiative_newest",
            ),
            # Actor first: the same seek for "this person in this organisation", and the
            # lookup ON DELETE SET NULL makes when an account is deleted.
            models.Index(
                fields=["actor", "organisation", "-created_at", "-id", "verb"],
                name="audit_actor_newest",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.verb} {self.target_type} #{self.target_id}"


class Tag(models.Model):
    """A word an organisation files things under (observations today; feedback themes next).

    The table keeps the name it had in the ``initiatives`` app.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=50)

    class Meta:
        db_table = "initiatives_tag"
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["organisation", "name"], name="tag_unique")]

    def __str__(self) -> str:
        return self.name
