"""A round's results, as pages, exports and the API show them: the threshold applied.

One read of the round's answers; the maths is ``results``, the hiding ``suppression``. A
round with fewer responses than the threshold shows nothing but that; free text shows only
when at least the threshold answered; a breakdown by the answers to a one-choice question
hides small groups and, where needed, a neighbour (complementary suppression). A view of
one group is the breakdown's figure for that group, so a filter hides what the breakdown
hides.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from stepback.feedback import results, suppression
from stepback.feedback.models import Answer, Question, QuestionKind, Round
from stepback.feedback.services import threshold_for

NO_ANSWER = "—"
MAX_TEXTS = 100  # the most frequent free-text answers shown, each with how many gave it


@dataclass
class GroupRow:
    label: str
    responses: int | None
    summary: results.Summary | None


@dataclass
class QuestionResult:
    question: Question
    summary: results.Summary | None
    change: float | None = None
    texts: list[tuple[str, int]] = field(default_factory=list)
    groups: list[GroupRow] = field(default_factory=list)

    @property
    def bars(self) -> list[tuple[str, int, float]]:
        """Each option's label, count and percent of those who answered."""
        if self.summary is None or not self.summary.answered:
            return []
        labels = (
            self.question.choices
            if self.question.kind == QuestionKind.LIKERT
            else list(self.summary.distribution)
        )
        counts = list(self.summary.distribution.values())
        return [
            (str(label), count, round(100 * count / self.summary.answered, 1))
            for label, count in zip(labels, counts, strict=False)
        ]


@dataclass
class RoundResults:
    round: Round
    threshold: int
    responses: int
    invited: int
    questions: list[QuestionResult]
    breakdown_by: Question | None = None

    @property
    def hidden(self) -> bool:
        return self.responses < self.threshold

    @property
    def response_rate(self) -> float | None:
        return results.response_rate(self.responses, self.invited)


def _answers(round_: Round) -> dict[int, dict[int, Answer]]:
    """Each question's answers by response id."""
    by_question: dict[int, dict[int, Answer]] = defaultdict(dict)
    for answer in Answer.objects.filter(response__round=round_).only(
        "question_id", "response_id", "number", "text", "choices"
    ):
        by_question[answer.question_id][answer.response_id] = answer
    return by_question


def summarise(question: Question, answers: list[Answer]) -> results.Summary:
    if question.kind == QuestionKind.LIKERT:
        return results.likert(a.number for a in answers if a.number is not None)
    if question.kind == QuestionKind.NUMBER:
        return results.numeric(a.number for a in answers if a.number is not None)
    if question.kind == QuestionKind.TEXT:
        texts = [a.text for a in answers if a.text]
        return results.Summary(len(texts), {}, None, None)
    return results.choices((a.choices for a in answers), question.choices)


def _previous(round_: Round) -> Round | None:
    return (
        Round.objects.filter(survey_id=round_.survey_id, opens_on__lt=round_.opens_on)
        .order_by("-opens_on", "-id")
        .first()
    )


def round_results(round_: Round, *, by: Question | None = None) -> RoundResults:
    """The round's results with the organisation's threshold applied everywhere."""
    threshold = threshold_for(round_.organisation)
    questions = list(round_.survey.questions.all())
    responses = round_.responses.count()
    report = RoundResults(
        round=round_,
        threshold=threshold,
        responses=responses,
        invited=round_.invitations.count(),
        questions=[],
        breakdown_by=by if by is not None and by.kind == QuestionKind.SINGLE else None,
    )
    if report.hidden:
        report.questions = [QuestionResult(question=q, summary=None) for q in questions]
        return report
    answers = _answers(round_)
    previous = _previous(round_)
    earlier = _answers(previous) if previous is not None else {}
    previous_shown = previous is not None and previous.responses.count() >= threshold
    groups = _groups(report.breakdown_by, answers, round_) if report.breakdown_by else {}
    shown_groups = suppression.suppress({k: len(v) for k, v in groups.items()}, threshold)
    for question in questions:
        mine = list(answers.get(question.pk, {}).values())
        summary = summarise(question, mine)
        if summary.answered < threshold:
            report.questions.append(QuestionResult(question=question, summary=None))
            continue
        result = QuestionResult(question=question, summary=summary)
        if previous_shown and question.pk in earlier:
            before = summarise(question, list(earlier[question.pk].values()))
            result.change = summary.change_since(before)
        if question.kind == QuestionKind.TEXT and summary.answered >= threshold:
            result.texts = Counter(a.text for a in mine if a.text).most_common(MAX_TEXTS)
        if question.kind == QuestionKind.TEXT or question == report.breakdown_by:
            report.questions.append(result)
            continue
        for label, members in groups.items():
            count = shown_groups.groups[label]
            in_group = [a for rid, a in answers.get(question.pk, {}).items() if rid in members]
            result.groups.append(
                GroupRow(
                    label=label,
                    responses=count,
                    summary=None if count is None else summarise(question, in_group),
                )
            )
        report.questions.append(result)
    return report


def _groups(
    by: Question, answers: dict[int, dict[int, Answer]], round_: Round
) -> dict[str, set[int]]:
    """The response ids in each group: by their answer to ``by`` (or no answer)."""
    groups: dict[str, set[int]] = {str(choice): set() for choice in by.choices}
    answered = answers.get(by.pk, {})
    for response_id in round_.responses.values_list("pk", flat=True):
        picked = answered.get(response_id)
        label = picked.choices[0] if picked is not None and picked.choices else NO_ANSWER
        groups.setdefault(label, set()).add(response_id)
    return groups


def as_dict(report: RoundResults) -> dict[str, Any]:
    """The results as the API and the CSV export give them (hidden figures are null)."""
    return {
        "round_id": report.round.pk,
        "threshold": report.threshold,
        "hidden": report.hidden,
        "responses": None if report.hidden else report.responses,
        "invited": report.invited,
        "response_rate": None if report.hidden else report.response_rate,
        "questions": [
            {
                "question_id": q.question.pk,
                "text": q.question.text,
                "kind": q.question.kind,
                "answered": q.summary.answered if q.summary else None,
                "average": q.summary.average if q.summary else None,
                "percent_agree": q.summary.percent_agree if q.summary else None,
                "change": q.change,
                "distribution": q.summary.distribution if q.summary else None,
                "texts": [{"text": text, "count": count} for text, count in q.texts],
                "groups": [
                    {
                        "label": g.label,
                        "responses": g.responses,
                        "average": g.summary.average if g.summary else None,
                        "percent_agree": g.summary.percent_agree if g.summary else None,
                    }
                    for g in q.groups
                ],
            }
            for q in report.questions
        ],
    }


def hidden_message(report: RoundResults) -> str:
    return _(
        "Results show once at least %(threshold)s people have answered, so that nobody's "
        "answers can be singled out."
    ) % {"threshold": report.threshold}
