"""The demo's groups and Learning Sprints, handed off and supported, in Riverside's
Learning Sprints initiative.

Three prototype sprint groups are handed to their own leads in the first term, then six
more groups follow. The leader, Leila Haddad, supports them: she attends the check-ins and
removes the barriers they raise, so most groups are *balanced*; in Year 10 maths she still
rewrites the group's sprint (*over-involved*), and Year 11 English's barriers have been
left open for weeks while she missed its check-ins (*stepping away*). A new user sees all
three signals at once.

Every row goes in through the ownership services, with the person the story names as the
actor; the story's moments (when a hand-off was confirmed, a barrier resolved, and each
audit entry, which the balance reads) are set on the rows after, counted back from today.
Groups are found by name, so loading again adds nothing. The staff who lead and join the
groups have no password: they are people in the story, not demo log-ins.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from stepback.accounts.models import Membership, Organisation, User
from stepback.accounts.roles import Role
from stepback.core.models import AuditEntry
from stepback.demo.initiatives import LEARNING_SPRINTS
from stepback.demo.site import DEMO_PASSWORD, DemoLogin, DemoSite
from stepback.initiatives.models import Initiative
from stepback.ownership import services
from stepback.ownership.models import LEADER_ITEMS, Barrier, CheckIn, Group, HandOff, LearningSprint

LEADER = "leader@riverside.example"
SPRINT_DAYS = 42
STAFF = [
    "Amira Haddad", "Ben Carter", "Chloé Martin", "Dev Patel", "Emma Rossi", "Finn O'Brien",
    "Grace Kim", "Hugo Laurent", "Isla Novak", "Jonas Weber", "Keira Walsh", "Liam Dupont",
]  # fmt: skip
# name, its lead (a demo log-in or a staff name), prototype, days since the hand-off,
# the leader's behaviour, the focus question.
GROUPS: list[tuple[str, str, bool, int, str, str]] = [
    ("Year 7 reading", "owner@riverside.example", True, 160, "balanced",
     "Do students who predict before reading understand the text better?"),
    ("Year 8 science", "Amira Haddad", True, 155, "balanced",
     "Does reading the question first help students find the evidence?"),
    ("Year 9 history", "Ben Carter", True, 150, "balanced",
     "Do summary frames help students write what a source says?"),
    ("Year 7 geography", "Chloé Martin", False, 100, "balanced",
     "Does vocabulary taught before the lesson help students read the case study?"),
    ("Year 8 English", "Dev Patel", False, 90, "balanced",
     "Do reading circles help quieter students talk about the text?"),
    ("Year 9 science", "Emma Rossi", False, 80, "balanced",
     "Does thinking aloud while reading a method help students follow it?"),
    ("Year 10 maths", "Finn O'Brien", False, 75, "over_involved",
     "Do students who restate a word problem solve it more often?"),
    ("Year 11 English", "Grace Kim", False, 70, "stepping_away",
     "Does annotating the unseen poem help students answer about it?"),
    ("Year 10 languages", "member@riverside.example", False, 60, "balanced",
     "Do students who skim for known words first read the passage faster?"),
]  # fmt: skip


def load(site: DemoSite, *, today: date | None = None) -> None:
    today = today or timezone.localdate()
    org = site.organisations["riverside"]
    initiative = Initiative.objects.get(organisation=org, title=LEARNING_SPRINTS)
    leader = site.people[LEADER]
    staff = [_staff(org, name, site) for name in STAFF]
    people = {user.name: user for user in staff} | site.people
    for n, (name, lead_key, prototype, handed_days, behaviour, focus) in enumerate(GROUPS):
        if Group.objects.filter(initiative=initiative, name=name).exists():
            continue
        lead = people[lead_key]
        members = [lead, staff[(n + 3) % len(staff)], staff[(n + 7) % len(staff)]]
        story = _Story(today=today, leader=leader, lead=lead, behaviour=behaviour)
        story.tell(initiative, name, focus, prototype, members, today - timedelta(days=handed_days))
        site.tally(True)


def _staff(org: Organisation, name: str, site: DemoSite) -> User:
    """A teacher who leads or joins the groups: a member, signing in like every demo person."""
    email = "staff." + name.split()[0].lower().replace("é", "e") + "@riverside.example"
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email, DEMO_PASSWORD, name=name)
        site.tally(True)
    Membership.objects.get_or_create(user=user, organisation=org, defaults={"role": Role.MEMBER})
    site.logins.append(
        DemoLogin(email=email, name=name, roles=f"{org.name}: {Role.MEMBER.label} (sprint groups)")
    )
    return user


def _moment(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(16, 0)))


@contextmanager
def dated(day: date) -> Iterator[None]:
    """Date the audit entries written inside on ``day``, the story's moment."""
    last = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    yield
    AuditEntry.objects.filter(pk__gt=last).update(created_at=_moment(day))


class _Story:
    def __init__(self, *, today: date, leader: User, lead: User, behaviour: str) -> None:
        self.today, self.leader, self.lead, self.behaviour = today, leader, lead, behaviour

    def tell(
        self,
        initiative: Initiative,
        name: str,
        focus: str,
        prototype: bool,
        members: list[User],
        handed_on: date,
    ) -> None:
        start = handed_on - timedelta(days=SPRINT_DAYS)
        with dated(start - timedelta(days=7)):
            group = services.group_create(
                initiative=initiative,
                actor=self.leader,
                name=name,
                focus=focus,
                is_prototype=prototype,
                leads=[self.lead],
                members=members,
            )
            sprint = services.sprint_create(
                group=group,
                actor=self.leader,
                focus_question=focus,
                practice="Model the strategy, then practise it in pairs every lesson.",
                success_measure="More students answer the inference questions well.",
                evidence_method="A short reading check at the start and the end.",
                evidence_before="Four in ten students answer the inference questions well.",
                starts_on=start,
                ends_on=handed_on - timedelta(days=1),
            )
        self.run(group, sprint, self.leader, handed=False)
        self.hand_off(group, handed_on)
        while sprint.ends_on and sprint.ends_on < self.today:
            sprint = self.next_sprint(group, sprint)
            self.run(group, sprint, self.lead, handed=True)

    def hand_off(self, group: Group, day: date) -> None:
        with dated(day):
            services.handoff_confirm(
                group=group, actor=self.leader, checklist=list(LEADER_ITEMS), may_manage=True
            )
            services.handoff_confirm(group=group, actor=self.lead, may_manage=False)
        HandOff.objects.filter(group=group).update(
            completed_on=day, leader_confirmed_at=_moment(day), lead_confirmed_at=_moment(day)
        )
        Group.objects.filter(pk=group.pk).update(handed_off_on=day)
        group.refresh_from_db()

    def next_sprint(self, group: Group, sprint: LearningSprint) -> LearningSprint:
        assert sprint.ends_on is not None
        day = min(sprint.ends_on, self.today)
        actor = self.leader if group.ownership == Group.Ownership.LEADER else self.lead
        with dated(day):
            services.sprint_update(
                sprint=sprint,
                actor=actor,
                changes={
                    "phase": LearningSprint.Phase.REVIEW,
                    "evidence_after": "Six in ten students answer the inference questions well.",
                    "learned": "Pairs who explain their thinking improve fastest.",
                    "next_step": LearningSprint.NextStep.ADAPT,
                },
            )
            following = services.sprint_follow(sprint=sprint, actor=actor)
            services.sprint_update(
                sprint=following,
                actor=actor,
                changes={
                    "practice": "Pairs explain their prediction before reading on.",
                    "starts_on": sprint.ends_on + timedelta(days=1),
                    "ends_on": sprint.ends_on + timedelta(days=SPRINT_DAYS),
                    "phase": LearningSprint.Phase.SPRINT,
                },
            )
        return following

    def run(self, group: Group, sprint: LearningSprint, actor: User, *, handed: bool) -> None:
        """Hold the sprint's check-ins up to today, with the barriers they raise."""
        due = sprint.checkins.filter(planned_on__lte=self.today).order_by("planned_on")
        for number, checkin in enumerate(due):
            recent = (self.today - checkin.planned_on).days < 60
            away = handed and self.behaviour == "stepping_away" and recent
            attended = not away and (number % 4 != 3 or not handed)
            writer = self.leader if handed and self.behaviour == "over_involved" else actor
            barrier = number == 0 or (away and number == 1)
            with dated(checkin.planned_on):
                services.checkin_log(
                    checkin=checkin,
                    actor=writer,
                    held_on=checkin.planned_on,
                    supporter_attended=attended,
                    progress="Most pairs use the strategy without a prompt now.",
                    helps="Planning the lessons together on Mondays.",
                    hinders="Finding time to look at the students' work together.",
                    barriers=["Cover is needed to observe each other's lessons"] if barrier else [],
                )
            if barrier and not away:
                self.resolve(checkin)
            if handed and self.behaviour == "over_involved" and recent:
                self.override(group, sprint, checkin.planned_on)

    def resolve(self, checkin: CheckIn) -> None:
        day = min(checkin.planned_on + timedelta(days=5), self.today)
        for barrier in checkin.barriers.all():
            with dated(day):
                services.barrier_update(
                    barrier=barrier,
                    actor=self.leader,
                    changes={
                        "status": Barrier.Status.RESOLVED,
                        "resolution": "Cover booked for Friday mornings.",
                    },
                )
            Barrier.objects.filter(pk=barrier.pk).update(resolved_on=day)

    def override(self, group: Group, sprint: LearningSprint, day: date) -> None:
        """The over-involved leader rewrites the group's sprint after each check-in."""
        with dated(day):
            for wording in (
                "Students restate the problem aloud.",
                "Students restate it in writing.",
            ):
                services.sprint_update(
                    sprint=sprint, actor=self.leader, changes={"practice": wording}
                )
            services.group_update(
                group=group, actor=self.leader, changes={"focus": f"{group.focus} ({day:%d %b})"}
            )
