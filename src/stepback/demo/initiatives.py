"""The demo's initiatives, goals, measurements and observations.

Riverside Secondary School is two years into Learning Sprints for reading comprehension:
five goals with two years of data (some on pace, one at risk, one off track) and forty
observations. Riverside also starts a younger behaviour initiative, and Northside Primary
School runs daily phonics.

Dates are counted back from today, so the pace judgements mean something whenever the
demo is loaded; the values come from a random generator seeded per goal, so the same day
always gives the same data. Rows are found by natural keys (an initiative by its title, a
goal by its name, a measurement by its idempotency key, an observation by its title), so
loading again, even on another day, adds nothing.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from stepback.accounts.models import User
from stepback.demo.site import DemoSite
from stepback.goals.models import Goal, Measurement
from stepback.goals.services import goal_refresh_pace
from stepback.initiatives.models import ChecklistTick, Initiative
from stepback.initiatives.stages import Stage
from stepback.observations.models import Observation, Tag

LEARNING_SPRINTS = "Learning Sprints for reading comprehension"
CALM_CLASSROOMS = "Calm classrooms: consistent behaviour routines"
DAILY_PHONICS = "Daily phonics in Foundation to Year 2"

# (month, day, name) of the common reading assessment near the end of each school term.
TERM_DATES = [(4, 4, "Term 1"), (6, 27, "Term 2"), (9, 19, "Term 3"), (12, 12, "Term 4")]

Reading = tuple[date, float, str]  # a measurement: date, value, note
_LIST_ITEM = re.compile(r"(-|\d+\.) ")


@dataclass(frozen=True)
class GoalPlan:
    key: str  # stable: part of every measurement's idempotency key
    name: str
    description: str
    unit: str
    higher_is_better: bool
    baseline: float
    target: float
    target_months: int  # the target date, in months after the initiative's start
    readings: Callable[[GoalPlan, date, date, random.Random], list[Reading]]
    source: str
    at_risk_tolerance: float = 0.15


@dataclass(frozen=True)
class ObservationPlan:
    day: int  # days after the initiative's start
    kind: str
    author: str  # the author's email
    title: str
    tags: tuple[str, ...]
    goals: tuple[str, ...]  # GoalPlan keys
    body: str


def load(site: DemoSite, *, today: date | None = None) -> None:
    """Find or create the demo initiatives with their goals, data and observations."""
    today = today or timezone.localdate()
    _load_learning_sprints(site, today)
    _load_calm_classrooms(site, today)
    _load_daily_phonics(site, today)


# --- dates and values ------------------------------------------------------------------------


def term_dates(today: date, count: int) -> list[tuple[date, str]]:
    """The last ``count`` term assessment dates on or before ``today``, oldest first."""
    found: list[tuple[date, str]] = []
    year = today.year
    while len(found) < count:
        for month, day, name in reversed(TERM_DATES):
            when = date(year, month, day)
            if when <= today and len(found) < count:
                found.append((when, f"{name} {year}"))
        year -= 1
    return found[::-1]


def add_months(when: date, months: int) -> date:
    month = when.month - 1 + months
    year, month = when.year + month // 12, month % 12 + 1
    return date(year, month, min(when.day, 28))


def month_starts(today: date, count: int) -> list[date]:
    """The first days of the last ``count`` months up to this one, oldest first."""
    this_month = today.replace(day=1)
    return [add_months(this_month, -n) for n in range(count - 1, -1, -1)]


def unwrap(text: str) -> str:
    """Join the source's wrapped lines into paragraphs and list items (Markdown keeps newlines)."""
    lines: list[str] = []
    for line in text.strip().splitlines():
        if lines and lines[-1] and line and not _LIST_ITEM.match(line):
            lines[-1] += " " + line
        else:
            lines.append(line)
    return "\n".join(lines)


def _progress(plan: GoalPlan, start: date, when: date) -> float:
    end = add_months(start, plan.target_months)
    return (when - start).days / (end - start).days


def _along_path(
    factor: float, noise: float, *, whole: bool = False, dates: str = "terms"
) -> Callable[[GoalPlan, date, date, random.Random], list[Reading]]:
    """Readings that move ``factor`` times as fast as the planned path, with bounded noise."""

    def readings(plan: GoalPlan, start: date, today: date, rng: random.Random) -> list[Reading]:
        if dates == "terms":
            points = [(when, f"{name} assessment") for when, name in term_dates(today, 8)]
        elif dates == "pat":
            points = [
                (when, f"PAT-R, {name}")
                for when, name in term_dates(today, 8)
                if name.startswith(("Term 1", "Term 3"))
            ]
        else:
            points = [(when, "Sprint groups register") for when in month_starts(today, 24)]
        out = []
        for when, note in points:
            change = (plan.target - plan.baseline) * min(1.0, factor * _progress(plan, start, when))
            value = plan.baseline + change + rng.uniform(-noise, noise)
            out.append((when, round(value) if whole else round(value, 1), note))
        return out

    return readings


def _stalled(
    *, after_terms: int, level: float, noise: float
) -> Callable[[GoalPlan, date, date, random.Random], list[Reading]]:
    """Term readings that follow the path for ``after_terms`` terms, then stay near ``level``."""

    def readings(plan: GoalPlan, start: date, today: date, rng: random.Random) -> list[Reading]:
        out: list[Reading] = []
        for index, (when, name) in enumerate(term_dates(today, 8)):
            on_path = plan.baseline + (plan.target - plan.baseline) * _progress(plan, start, when)
            value = on_path if index < after_terms else level
            value += rng.uniform(-noise, noise)
            out.append((when, round(value), f"{name} screening"))
        return out

    return readings


# --- helpers that find or create -------------------------------------------------------------


def _initiative(
    site: DemoSite,
    *,
    org: str,
    title: str,
    leader: str,
    support: Sequence[str],
    **fields: object,
) -> Initiative:
    initiative, created = Initiative.objects.get_or_create(
        organisation=site.organisations[org],
        title=title,
        defaults={"leader": site.people[leader], **fields},
    )
    site.tally(created)
    if created:
        initiative.support_team.set([site.people[email] for email in support])
    return initiative


def _ticks(
    site: DemoSite, initiative: Initiative, ticks: Sequence[tuple[Stage, str, str, int]]
) -> None:
    for stage, key, email, day in ticks:
        _, created = ChecklistTick.objects.get_or_create(
            initiative=initiative,
            stage=stage,
            item_key=key,
            defaults={
                "ticked_by": site.people[email],
                "ticked_at": _moment(initiative.start_date + timedelta(days=day)),
            },
        )
        site.tally(created)


def _moment(day: date) -> datetime:
    """Four in the afternoon of ``day``: when the demo's people get round to the paperwork."""
    return timezone.make_aware(datetime.combine(day, time(16)))


def _goals(
    site: DemoSite, initiative: Initiative, plans: Sequence[GoalPlan], today: date
) -> dict[str, Goal]:
    goals = {}
    for plan in plans:
        start = initiative.start_date
        goal, created = Goal.objects.get_or_create(
            initiative=initiative,
            name=plan.name,
            defaults={
                "organisation": initiative.organisation,
                "description": plan.description,
                "unit": plan.unit,
                "higher_is_better": plan.higher_is_better,
                "baseline_value": plan.baseline,
                "baseline_date": start,
                "target_value": plan.target,
                "target_date": add_months(start, plan.target_months),
                "at_risk_tolerance": plan.at_risk_tolerance,
            },
        )
        site.tally(created)
        rng = random.Random(f"stepback-demo-{plan.key}")
        readings = [r for r in plan.readings(plan, start, today, rng) if start < r[0] <= today]
        keys = [f"demo-{plan.key}-{n:02d}" for n in range(len(readings))]
        stored = set(
            Measurement.objects.filter(goal=goal, idempotency_key__in=keys).values_list(
                "idempotency_key", flat=True
            )
        )
        new = [
            Measurement(
                organisation=initiative.organisation,
                goal=goal,
                date=when,
                value=value,
                note=note,
                source=plan.source,
                idempotency_key=key,
                created_by=initiative.leader,
            )
            for key, (when, value, note) in zip(keys, readings, strict=True)
            if key not in stored
        ]
        Measurement.objects.bulk_create(new)
        site.created += len(new)
        if created or new:
            goal_refresh_pace(goal=goal, as_of=today)
        goals[plan.key] = goal
    return goals


def _observations(
    site: DemoSite,
    initiative: Initiative,
    goals: dict[str, Goal],
    plans: Sequence[ObservationPlan],
    today: date,
) -> None:
    for plan in plans:
        when = min(initiative.start_date + timedelta(days=plan.day), today)
        author: User = site.people[plan.author]
        observation, created = Observation.objects.get_or_create(
            initiative=initiative,
            title=plan.title,
            defaults={
                "organisation": initiative.organisation,
                "date": when,
                "kind": plan.kind,
                "body": unwrap(plan.body),
                "author": author,
                "created_at": _moment(when),
            },
        )
        site.tally(created)
        if not created:
            continue
        tags = []
        for name in plan.tags:
            tag, tag_created = Tag.objects.get_or_create(
                organisation=initiative.organisation, name=name
            )
            site.tally(tag_created)
            tags.append(tag)
        observation.tags.set(tags)
        observation.goals.set([goals[key] for key in plan.goals])


# --- Riverside: Learning Sprints -------------------------------------------------------------

LEADER = "leader@riverside.example"
SUPPORT = "support@riverside.example"
OWNER = "owner@riverside.example"
MEMBER = "member@riverside.example"
ADMIN = "admin@riverside.example"
VISIT, INTERVIEW, MEETING = "visit", "interview", "meeting"

LS_GOALS = [
    GoalPlan(
        key="ls-benchmark",
        name="Students at or above the reading benchmark (Years 7 to 9)",
        description="Share of Year 7 to 9 students at or above the benchmark on the common "
        "reading assessment at the end of each term.",
        unit="%",
        higher_is_better=True,
        baseline=58,
        target=76,
        target_months=36,
        readings=_along_path(1.06, 0.5),
        source="Common reading assessment",
    ),
    GoalPlan(
        key="ls-pat-r",
        name="Year 8 mean PAT-R comprehension score",
        description="Mean scale score of the Year 8 cohort on PAT Reading (comprehension), "
        "tested at the end of Terms 1 and 3.",
        unit="points",
        higher_is_better=True,
        baseline=127.5,
        target=134,
        target_months=36,
        readings=_along_path(0.84, 0.15, dates="pat"),
        source="PAT-R reports",
    ),
    GoalPlan(
        key="ls-confidence",
        name="Teachers confident teaching comprehension strategies",
        description="Agreement (agree or strongly agree) with “I feel confident teaching "
        "comprehension strategies in my subject” in the end-of-term staff survey.",
        unit="%",
        higher_is_better=True,
        baseline=41,
        target=80,
        target_months=30,
        readings=_along_path(1.08, 1.2),
        source="Staff pulse survey",
    ),
    GoalPlan(
        key="ls-teachers",
        name="Teachers in Learning Sprint groups",
        description="Teachers taking part in a sprint group, from the register at the start "
        "of each month.",
        unit="teachers",
        higher_is_better=True,
        baseline=6,
        target=52,
        target_months=30,
        readings=_along_path(1.06, 0.4, whole=True, dates="months"),
        source="Sprint groups register",
    ),
    GoalPlan(
        key="ls-year7",
        name="Year 7 students two or more years below reading level",
        description="Year 7 students whose reading age is two or more years below their "
        "age on the term screening. Lower is better.",
        unit="students",
        higher_is_better=False,
        baseline=64,
        target=30,
        target_months=36,
        readings=_stalled(after_terms=3, level=55, noise=1.5),
        source="Literacy support screening",
    ),
]

LS_CURRENT_STATE = """
Across Years 7 to 9, **58%** of students read at or above the benchmark on our common
reading assessment, and the Year 8 mean PAT-R comprehension score has been flat for three
years. Teachers in every faculty say students "can read the words but don't get the
meaning", especially in science and humanities texts.

- 64 Year 7 students are two or more years below their reading age.
- In the staff survey only 41% feel confident teaching comprehension strategies.
- Reading is treated as the English faculty's job.
"""

LS_PROBLEM = """
Students cannot yet get meaning from the texts their subjects depend on, and most teachers
have not been shown how to teach comprehension in their subject, so nothing changes from
year to year.
"""

LS_DESIRED_STATE = """
Every teacher teaches the four comprehension strategies — **predicting, clarifying,
questioning and summarising** — in their own subject, refined in short Learning Sprints
with colleagues. Three in four students read at or above the benchmark, and no Year 7
student is left far behind.
"""

LS_OBSERVATIONS = [
    ObservationPlan(5, MEETING, LEADER, "Launch meeting with heads of faculty",
        ("launch", "data", "heads of faculty"), ("ls-benchmark", "ls-year7"), """
Shared the reading data with all eight heads of faculty. Most were surprised that the
problem is as big in Year 9 as in Year 7.

- Agreed Learning Sprints as the way in: small groups, one strategy, six weeks, evidence.
- Concern from science and maths about time; promised protected time before any sprint starts.
- Humanities volunteered two teachers for the pilot.
"""),
    ObservationPlan(12, INTERVIEW, SUPPORT, "Student focus group, Year 8: what makes a text hard",
        ("student voice", "year 8", "vocabulary"), ("ls-benchmark",), """
Eight students from three classes. They agreed the hardest texts are science worksheets and
history sources. One said: "I read it twice and I still don't know what it wants me to do."
Nobody described a strategy for a word they did not know other than asking the teacher or
skipping it.
"""),
    ObservationPlan(20, VISIT, LEADER, "Year 9 history: reading the source before the task",
        ("humanities", "year 9", "baseline"), ("ls-benchmark",), """
Students were given a two-page source and four questions. Most went straight to the
questions and scanned for key words; about a third of the class copied sentences that
contained the key word but did not answer the question. The teacher re-explained the
source aloud for the last ten minutes.
"""),
    ObservationPlan(26, MEETING, SUPPORT, "Pilot sprint group formed (six teachers)",
        ("learning sprints", "pilot", "predicting"), ("ls-teachers",), """
Six teachers from English, humanities and science. Focus for the first sprint:
**predicting** from headings, images and the first paragraph.

Success measure: on exit tickets, at least 60% of students make a prediction they can
justify from the text. Check-ins every second Wednesday, 20 minutes.
"""),
    ObservationPlan(34, VISIT, OWNER,
        "Year 7 English: predicting from the title and first paragraph",
        ("predicting", "year 7", "english"), ("ls-benchmark", "ls-confidence"), """
The teacher modelled a prediction aloud ("The title says *The Long Walk*, so I think…") and
students wrote theirs on mini whiteboards. Good energy. Several predictions were guesses
with no link to the text; the teacher started asking "what in the text makes you think
that?" which lifted the quality quickly.
"""),
    ObservationPlan(41, INTERVIEW, SUPPORT, "Teacher interview: comprehension in science",
        ("teacher voice", "science", "professional learning"), ("ls-confidence",), """
A science teacher with twelve years' experience: "I was never taught how to teach reading.
I explain the text instead, because it's faster." Interested in the sprint if someone shows
what it looks like in a practical lesson rather than in an English class.
"""),
    ObservationPlan(55, MEETING, OWNER, "Pilot sprint check-in, week 3",
        ("learning sprints", "check-in", "barrier"), ("ls-teachers",), """
Everyone has tried predicting at least three times. What works: short texts, predictions
written down before reading. Barriers raised:

- Printing texts for annotation takes time and the copier queue is long.
- Two teachers missed the check-in because of yard duty.

Sam will ask about moving the check-in to a period without duties.
"""),
    ObservationPlan(70, VISIT, MEMBER, "Peer visit: reciprocal teaching roles in Year 8 English",
        ("reciprocal teaching", "year 8", "english"), ("ls-benchmark",), """
Groups of four with role cards (predictor, clarifier, questioner, summariser). The
clarifiers were the busiest: they listed six words per paragraph. Summaries were long —
most groups retold the paragraph rather than summarising it. Worth a sprint of its own.
"""),
    ObservationPlan(84, MEETING, LEADER, "Pilot sprint review: evidence from exit tickets",
        ("sprint review", "data", "predicting"), ("ls-benchmark", "ls-confidence"), """
Exit tickets from 11 classes: justified predictions rose from **38% to 61%** over the six
weeks, just above the success measure. Teachers said the routine is now automatic.

Decision: next sprint on **clarifying** vocabulary; two more groups start next term.
"""),
    ObservationPlan(98, MEETING, LEADER, "First monthly stepback",
        ("stepback", "data"), ("ls-teachers", "ls-year7"), """
Sprint participation is ahead of plan and the pilot group wants to continue. The Year 7
students furthest behind are not in classes taught by pilot teachers, so the sprints have
not reached them at all yet. Asked the learning support coordinator to join the next
stepback.
"""),
    ObservationPlan(112, VISIT, SUPPORT,
        "Year 7 literacy support class: decoding is still the barrier",
        ("intervention", "year 7", "literacy support", "barrier"), ("ls-year7",), """
Nine students. Most of them decode slowly and guess long words from the first letters; by
the end of a paragraph they have lost the thread. Comprehension strategies alone will not
help this group until decoding improves.
"""),
    ObservationPlan(130, MEETING, OWNER, "Two new sprint groups: science and humanities",
        ("learning sprints", "science", "humanities"), ("ls-teachers",), """
Fourteen teachers are now in sprint groups. The science group chose clarifying vocabulary
before practicals; the humanities group chose questioning of sources. Each group has its
own lead and its own success measure.
"""),
    ObservationPlan(150, VISIT, LEADER,
        "Year 8 science: clarifying vocabulary before the practical",
        ("clarifying", "vocabulary", "science", "year 8"), ("ls-benchmark",), """
A word wall of six words for the practical, each with a picture. Students checked the
method for words they could not explain and asked "what does *soluble* mean here?" before
starting. Noticeably fewer questions during the practical itself.
"""),
    ObservationPlan(171, INTERVIEW, SUPPORT, "Student interview: stopping at unknown words",
        ("student voice", "clarifying", "year 7"), ("ls-benchmark",), """
A Year 7 student: "Now I stop when I don't get a word and look at the sentence around it.
Before, I just kept going." Two others in the same class described the same habit without
prompting.
"""),
    ObservationPlan(190, MEETING, SUPPORT, "Term survey results discussed with sprint leads",
        ("survey", "teacher voice", "data"), ("ls-confidence",), """
Confidence in teaching comprehension strategies is up to about half of staff. In the free
text, the two most common comments: not enough time to plan, and wanting to see a strategy
modelled in their own subject. Sprint leads will run short demonstrations at faculty
meetings.
"""),
    ObservationPlan(205, MEETING, LEADER, "Timetabling: common release time for sprint groups",
        ("timetabling", "barrier", "workload"), ("ls-teachers",), """
Barrier raised by three groups: check-ins keep clashing with duties. From next term every
sprint group has Wednesday period 5 free of duties. Cost: two extra relief periods a week,
approved by the principal.
"""),
    ObservationPlan(226, VISIT, MEMBER, "Year 9 geography: summarising with a 25-word limit",
        ("summarising", "year 9", "humanities"), ("ls-benchmark",), """
Students summarised a case study on river flooding in 25 words, then compared with a
partner and cut to 15. The limit forced choices about what matters. The weakest summaries
listed facts without the cause; the teacher used two of them anonymously to discuss.
"""),
    ObservationPlan(248, MEETING, OWNER, "Sprint review: summarising in science and humanities",
        ("sprint review", "summarising"), ("ls-benchmark", "ls-confidence"), """
Both groups met their success measures. Science: 70% of lab reports now open with a
one-sentence summary of the method. Humanities: summaries rated "captures the main idea"
rose from 35% to 58%. Teachers want to keep the word limit routine.
"""),
    ObservationPlan(262, MEETING, LEADER, "Hand-off: sprint groups now led by their own leads",
        ("hand-off", "learning sprints", "step back"), ("ls-teachers",), """
From this term the sprint groups choose their own focus and success measures. Jo Fraser
coordinates the leads; I join one check-in a month per group and keep the barrier log.
Readiness checklist done for all four groups: focus, data access, support agreed, cadence
set.
"""),
    ObservationPlan(280, INTERVIEW, LEADER, "Interview with the learning support coordinator",
        ("intervention", "year 7", "literacy support"), ("ls-year7",), """
The coordinator's view: the students furthest behind need a structured decoding programme
three times a week, and their classroom teachers need to know which strategies to adapt.
Her concern is that the sprints are lifting the middle and leaving this group where it is.
"""),
    ObservationPlan(300, VISIT, SUPPORT, "Year 7 maths: reading the word problem aloud in pairs",
        ("maths", "year 7", "questioning"), ("ls-benchmark",), """
Pairs read each word problem aloud, then each asked one question about it before solving
("What is the question actually asking?"). Fewer students started calculating straight
away with the wrong numbers. The maths faculty is considering its own sprint.
"""),
    ObservationPlan(322, MEETING, SUPPORT, "PAT-R results, Year 8: a modest gain",
        ("data", "pat-r", "year 8"), ("ls-pat-r",), """
The Year 8 mean is up about two scale points on the baseline. Gains are concentrated in
the middle band; the top band is flat and the lowest band moved a little. Shared with sprint
leads with a caution: one test, one cohort.
"""),
    ObservationPlan(345, VISIT, OWNER, "Year 9 English: students generating their own questions",
        ("questioning", "year 9", "english"), ("ls-benchmark", "ls-confidence"), """
Students wrote three questions about a short story before the teacher asked any: one
"right there", one "think and search", one "on my own". Discussion was led almost entirely
by their questions. The teacher said this would not have felt possible a year ago.
"""),
    ObservationPlan(365, MEETING, LEADER, "Stepback: one year in",
        ("stepback", "celebration", "data"),
        ("ls-benchmark", "ls-year7", "ls-teachers", "ls-pat-r"), """
**On pace:** students at benchmark, sprint participation, teacher confidence.

**Off track:** Year 7 students far below reading level — the number has hardly moved since
Term 2.

Focus areas for the next quarter:

1. A structured decoding intervention for the Year 7 group.
2. Challenge for strong readers in Year 8 (PAT-R top band is flat).
3. Invite the arts and PE faculties into sprint groups.

Everything else went on the running list.
"""),
    ObservationPlan(380, MEETING, SUPPORT, "Celebration: sprint groups share at the staff meeting",
        ("celebration", "learning sprints"), ("ls-confidence",), """
Each group had three minutes to show one piece of student work from before and after its
sprint. The science lab reports got applause. Two teachers not yet in a group asked to join
next term.
"""),
    ObservationPlan(400, INTERVIEW, MEMBER, "Teacher interview: confidence up, time still tight",
        ("teacher voice", "workload"), ("ls-confidence",), """
"I know what I'm doing now and I can see it working. What I'd still like is time to plan
texts with the others, not just to talk about how it went." Suggests sharing annotated
texts in a common folder so each teacher does not start from scratch.
"""),
    ObservationPlan(420, VISIT, LEADER, "Year 7 intervention: new decoding programme, week 2",
        ("intervention", "year 7", "literacy support"), ("ls-year7",), """
Three sessions a week before school, 30 minutes, groups of four. Well structured and the
students were engaged. Attendance is the worry: 5 of the 12 students came on the morning I
visited, mostly because of bus times.
"""),
    ObservationPlan(445, MEETING, OWNER, "Sprint check-in: arts and PE join",
        ("learning sprints", "arts", "pe"), ("ls-teachers",), """
The new arts and PE group chose "reading the brief": students restate a task brief in their
own words before they begin. A good fit for practical subjects, and it brings the number of
teachers in sprint groups past forty.
"""),
    ObservationPlan(470, VISIT, SUPPORT, "Year 8 humanities: clarifying in small groups",
        ("clarifying", "year 8", "humanities"), ("ls-benchmark",), """
Groups clarified a source together with a "fix-up" card (reread, read on, break the word
up, ask a partner). The teacher talked for less than a quarter of the lesson. Two groups
needed help to get started; the others worked independently for twenty minutes.
"""),
    ObservationPlan(492, MEETING, SUPPORT, "Survey: confidence rising, comments more specific",
        ("survey", "data", "teacher voice"), ("ls-confidence",), """
About two thirds of staff now agree they feel confident. Comments have shifted from "I don't
know how" to specific questions, such as how to adapt summarising for students with
English as an additional language.
"""),
    ObservationPlan(515, INTERVIEW, SUPPORT,
        "Student focus group, Year 9: question stems everywhere",
        ("student voice", "year 9", "questioning"), ("ls-benchmark",), """
"We use the question stems in every subject now, even in PE." Students could name the four
strategies and explain when they use each. One said the summarising limit is "annoying but
it works".
"""),
    ObservationPlan(540, MEETING, LEADER,
        "Intervention review: decoding gains, comprehension not yet",
        ("intervention", "year 7", "barrier", "data"), ("ls-year7",), """
Decoding scores of students who attend regularly are improving, but the number of Year 7
students far below reading level has barely changed. Attendance at the morning sessions
averages under 50%.

Decided: move the sessions into the timetable (replacing one elective period) and invite
families to a reading evening.
"""),
    ObservationPlan(565, VISIT, LEADER, "Year 8 science: predicting and checking, independently",
        ("predicting", "science", "year 8"), ("ls-benchmark", "ls-pat-r"), """
Before reading an article on vaccines, students predicted its argument from the headings,
then checked and corrected their prediction in the margin. No prompting from the teacher.
The strongest readers were given a second article with an opposing view — a good start on
challenge for the top band.
"""),
    ObservationPlan(590, MEETING, OWNER, "Sprint leads' meeting: new leads for the next cycle",
        ("learning sprints", "hand-off"), ("ls-teachers",), """
Three of the original leads hand over to teachers from their groups, who will lead from
next term. Each outgoing lead stays in the group as a member. The leads agreed a one-page
guide for new leads.
"""),
    ObservationPlan(615, VISIT, MEMBER, "Year 7 English: reciprocal teaching without prompts",
        ("reciprocal teaching", "year 7", "english"), ("ls-benchmark",), """
Compared with the same lesson eighteen months ago: no role cards needed, and summaries were
two sentences instead of a retelling. The clarifier in one group explained *reluctant* by
using the sentence after it.
"""),
    ObservationPlan(640, MEETING, SUPPORT, "PAT-R Year 8: behind where we hoped",
        ("pat-r", "data", "year 8"), ("ls-pat-r",), """
The Year 8 mean rose again, but more slowly than planned; at this rate we fall short of the
target. The top band is still flat. Agreed to bring the extension texts from science into
English and humanities, and to look at the results by question type.
"""),
    ObservationPlan(660, INTERVIEW, LEADER, "Parent conversation: reading at home",
        ("families", "year 7", "intervention"), ("ls-year7",), """
Spoke with four families of students in the intervention group after the reading evening.
All were keen to help but unsure how; two said their child refuses to read aloud at home.
Suggested ten minutes of paired reading with a short, high-interest text, and a weekly note
home from the intervention teacher.
"""),
    ObservationPlan(680, MEETING, LEADER, "Stepback: focus areas for next term",
        ("stepback", "data"), ("ls-year7", "ls-pat-r", "ls-benchmark"), """
Students at benchmark and teacher confidence remain on pace; PAT-R in Year 8 is at risk and
the Year 7 group is still off track.

Focus areas:

1. Redesign the Year 7 intervention with the learning support team, in timetabled time.
2. Extension texts for strong readers in Years 8 and 9.
3. Induct new staff into sprint groups in their first term.
"""),
    ObservationPlan(700, VISIT, SUPPORT, "Year 9 science: summarising a research article",
        ("summarising", "science", "year 9"), ("ls-benchmark",), """
Students summarised the method and finding of a simplified research article in 30 words,
then wrote one question they would ask the researchers. The questions were genuinely
curious. Two students asked to read the original article.
"""),
    ObservationPlan(715, MEETING, OWNER, "Sprint check-in: inducting new staff",
        ("learning sprints", "professional learning"), ("ls-teachers", "ls-confidence"), """
Four new teachers joined sprint groups this term. Each is paired with a teacher who has
completed two sprints, and watches one lesson using the group's strategy before trying it.
All four said the shared folder of annotated texts made starting easy.
"""),
]  # fmt: skip

LS_TICKS = [
    (Stage.IDENTIFY, "current_state", LEADER, -40),
    (Stage.IDENTIFY, "problem", LEADER, -38),
    (Stage.IDENTIFY, "desired_state", LEADER, -30),
    (Stage.IDENTIFY, "goals", SUPPORT, -20),
    (Stage.ENGAGE, "affected", SUPPORT, -15),
    (Stage.ENGAGE, "involved", LEADER, -10),
    (Stage.ENGAGE, "ownership", LEADER, 5),
    (Stage.PLAN, "objectives", LEADER, 10),
    (Stage.PLAN, "actions", SUPPORT, 18),
    (Stage.STEP_UP, "kickoff", LEADER, 26),
    (Stage.STEP_UP, "first_actions", LEADER, 34),
    (Stage.STEP_BACK, "handoff", LEADER, 262),
    (Stage.STEP_BACK, "support", SUPPORT, 270),
]


def ls_start(today: date) -> date:
    """The Learning Sprints start: one term before the earliest of eight term assessments."""
    return term_dates(today, 8)[0][0] - timedelta(days=91)


def _load_learning_sprints(site: DemoSite, today: date) -> None:
    initiative = _initiative(
        site,
        org="riverside",
        title=LEARNING_SPRINTS,
        leader=LEADER,
        support=[SUPPORT, OWNER],
        summary="Every teacher teaches comprehension strategies in their subject, refined in "
        "short Learning Sprints, to lift reading comprehension in Years 7 to 9.",
        current_state=unwrap(LS_CURRENT_STATE),
        problem=unwrap(LS_PROBLEM),
        desired_state=unwrap(LS_DESIRED_STATE),
        start_date=ls_start(today),
        stage=Stage.STEP_BACK,
        created_at=_moment(ls_start(today) - timedelta(days=45)),
    )
    _ticks(site, initiative, LS_TICKS)
    goals = _goals(site, initiative, LS_GOALS, today)
    _observations(site, initiative, goals, LS_OBSERVATIONS, today)


# --- Riverside: calm classrooms (young, still being planned) ---------------------------------

CALM_GOALS = [
    GoalPlan(
        key="calm-referrals",
        name="Behaviour referrals per week",
        description="Referrals to year-level coordinators, weekly average over the month.",
        unit="referrals",
        higher_is_better=False,
        baseline=38,
        target=20,
        target_months=12,
        readings=lambda plan, start, today, rng: [
            (when, round(38 - 2.2 * n + rng.uniform(-1, 1)), "Monthly average")
            for n, when in enumerate(month_starts(today, 3), start=1)
        ],
        source="Behaviour log",
    ),
    GoalPlan(
        key="calm-survey",
        name="Students who say their classes are calm enough to learn",
        description="Agreement in the student survey, run each semester.",
        unit="%",
        higher_is_better=True,
        baseline=52,
        target=70,
        target_months=12,
        readings=lambda plan, start, today, rng: [],
        source="Student survey",
    ),
]

CALM_OBSERVATIONS = [
    ObservationPlan(10, MEETING, ADMIN, "Year-level coordinators: what the referrals say",
        ("behaviour", "data"), ("calm-referrals",), """
Most referrals come from the first ten minutes of lessons after lunch, and from rooms where
routines differ from teacher to teacher. Coordinators want one entry routine for the whole
school.
"""),
    ObservationPlan(40, INTERVIEW, SUPPORT, "Student council on calm classrooms",
        ("student voice", "behaviour"), ("calm-survey",), """
Students asked for the same rules in every room, and for teachers to start the lesson on
time. They were clear that most classes are fine and a few are not.
"""),
    ObservationPlan(75, VISIT, ADMIN, "Trial of the common entry routine in Year 8",
        ("behaviour", "routines", "year 8"), ("calm-referrals",), """
Greeting at the door, a task on the board, seating plan used. The lessons I visited were
settled within three minutes. Two teachers have not started the trial yet.
"""),
]  # fmt: skip


def _load_calm_classrooms(site: DemoSite, today: date) -> None:
    start = add_months(today.replace(day=1), -4)
    initiative = _initiative(
        site,
        org="riverside",
        title=CALM_CLASSROOMS,
        leader=ADMIN,
        support=[SUPPORT],
        summary="The same simple routines in every classroom, so lessons start calmly and "
        "stay that way.",
        current_state="Referrals have doubled in two years and cluster in the first minutes "
        "of lessons after lunch.",
        problem="Routines differ from room to room, so students test them in every lesson.",
        desired_state="Every lesson starts the same way and students say their classes are "
        "calm enough to learn.",
        start_date=start,
        stage=Stage.PLAN,
    )
    _ticks(
        site,
        initiative,
        [
            (Stage.IDENTIFY, "current_state", ADMIN, 3),
            (Stage.IDENTIFY, "problem", ADMIN, 3),
            (Stage.IDENTIFY, "goals", SUPPORT, 12),
            (Stage.ENGAGE, "affected", SUPPORT, 30),
        ],
    )
    goals = _goals(site, initiative, CALM_GOALS, today)
    _observations(site, initiative, goals, CALM_OBSERVATIONS, today)


# --- Northside: daily phonics ----------------------------------------------------------------

N_ADMIN = "admin@northside.example"
N_MEMBER = "member@northside.example"

PHONICS_GOALS = [
    GoalPlan(
        key="phonics-check",
        name="Year 1 students meeting the phonics check standard",
        description="Share of Year 1 students at or above the expected standard on the "
        "phonics screening check, each term.",
        unit="%",
        higher_is_better=True,
        baseline=61,
        target=85,
        target_months=18,
        readings=lambda plan, start, today, rng: [
            (when, round(61 + 26 * (when - start).days / 548 + rng.uniform(-0.6, 0.6), 1), name)
            for when, name in term_dates(today, 2)
        ],
        source="Phonics screening check",
    ),
    GoalPlan(
        key="phonics-teachers",
        name="Teachers running the daily phonics routine",
        description="Foundation to Year 2 teachers using the 20-minute routine every day.",
        unit="teachers",
        higher_is_better=True,
        baseline=3,
        target=14,
        target_months=12,
        readings=lambda plan, start, today, rng: [
            (when, 3 + n, "Walk-through") for n, when in enumerate(month_starts(today, 6))
        ],
        source="Walk-throughs",
    ),
]

PHONICS_OBSERVATIONS = [
    ObservationPlan(14, MEETING, N_ADMIN, "Phonics kickoff with the junior teachers",
        ("kickoff", "phonics"), ("phonics-teachers",), """
All fourteen Foundation to Year 2 teachers attended. We agreed the 20-minute routine, the
sound order and the decodable readers. Three teachers start straight away; the rest after
the training day.
"""),
    ObservationPlan(45, VISIT, "leader@riverside.example",
        "Foundation class: blending with sound buttons",
        ("phonics", "foundation"), ("phonics-check",), """
Children pressed "sound buttons" under each letter and blended aloud. Quick pace, every
child responding. The teacher kept a list of children to see again in the afternoon.
"""),
    ObservationPlan(90, INTERVIEW, N_MEMBER,
        "Teacher interview: the routine takes longer than 20 minutes",
        ("phonics", "workload", "barrier"), ("phonics-teachers",), """
"By the time everyone has their reader it's 30 minutes." Suggests pre-sorted book boxes
per group. Two other teachers said the same at the staff meeting.
"""),
    ObservationPlan(130, MEETING, N_ADMIN, "Check-in: training day postponed",
        ("phonics", "professional learning", "barrier"), ("phonics-teachers",), """
The training day moved to next term because of a staffing shortage, so fewer teachers have
started than planned. Interim: the three early starters will each mentor one colleague.
"""),
    ObservationPlan(170, VISIT, N_MEMBER, "Year 1: decodable readers in small groups",
        ("phonics", "year 1", "reading"), ("phonics-check",), """
Groups of five with matched decodable readers. Children who finished early re-read to a
partner. Fluency noticeably better than at the start of the year.
"""),
]  # fmt: skip


def _load_daily_phonics(site: DemoSite, today: date) -> None:
    start = add_months(today.replace(day=1), -7)
    initiative = _initiative(
        site,
        org="northside",
        title=DAILY_PHONICS,
        leader=N_ADMIN,
        support=[LEADER],
        summary="A short, systematic phonics routine every day in every junior class.",
        current_state="Phonics is taught differently in every junior class, and 39% of Year 1 "
        "students miss the expected standard on the phonics check.",
        problem="Without a shared, daily routine, children who fall behind in Foundation "
        "rarely catch up.",
        desired_state="Every Foundation to Year 2 class runs the same 20-minute routine daily, "
        "and 85% of Year 1 students meet the standard.",
        start_date=start,
        stage=Stage.STEP_UP,
    )
    _ticks(
        site,
        initiative,
        [
            (Stage.IDENTIFY, "current_state", N_ADMIN, -20),
            (Stage.IDENTIFY, "problem", N_ADMIN, -20),
            (Stage.IDENTIFY, "desired_state", N_ADMIN, -18),
            (Stage.IDENTIFY, "goals", LEADER, -10),
            (Stage.ENGAGE, "affected", N_ADMIN, -5),
            (Stage.PLAN, "actions", LEADER, 0),
            (Stage.STEP_UP, "kickoff", N_ADMIN, 14),
        ],
    )
    goals = _goals(site, initiative, PHONICS_GOALS, today)
    _observations(site, initiative, goals, PHONICS_OBSERVATIONS, today)
