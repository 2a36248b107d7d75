"""Why a goal has its pace: a code with JSON-safe params, rendered into a sentence when shown.

:func:`stepback.goals.pace.assess` gives a :class:`Reason`; that is what gets stored
(``Goal.status_reason_code``, ``status_reason_params``). :func:`render_reason` turns it into
the sentence in the active language, from the templates in :data:`SENTENCES` and the fragment
tables after it, all marked for translation, so no English is stored.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from django.utils.formats import date_format, get_format
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from stepback.lib.formats import trim_number, with_separators, with_unit

__all__ = ["SENTENCES", "Formatter", "Params", "Reason", "ReasonCode", "month", "render_reason"]


class ReasonCode(StrEnum):
    """Every reason :func:`assess` gives. The values are stored (``Goal.status_reason_code``),
    so never rename one; add a code instead."""

    NO_MEASUREMENTS = "no_measurements"
    BASELINE_IN_FUTURE = "baseline_in_future"
    ONE_MEASUREMENT = "one_measurement"
    ONLY_BASELINE = "only_baseline"
    ONLY_BASELINE_EARLIER_IGNORED = "only_baseline_earlier_ignored"
    TARGET_MET = "target_met"
    TARGET_BEATEN = "target_beaten"
    TARGET_DATE_PASSED = "target_date_passed"
    FORECAST = "forecast"
    #: Stored by the straight-trend method before the forecast; still rendered.
    TREND = "trend"
    #: A sentence stored before reasons had codes; ``params["text"]`` is that sentence.
    LEGACY = "legacy"


Params = dict[str, str | int | float | bool]


@dataclass(frozen=True)
class Reason:
    """Why a goal has its status: a code and plain JSON-safe parameters (numbers, ISO dates,
    the unit, keyword choices), so that it can be stored and rendered in any language later."""

    code: ReasonCode
    params: Params = field(default_factory=dict)

    @property
    def text(self) -> str:
        return render_reason(self.code, self.params)

    def __str__(self) -> str:
        return self.text


# Every text of a reason, in one place, each marked for translation. The sentences, by code,
# have named placeholders filled by ``str.format_map``: numbers with the unit (``latest``,
# ``target``, ``expected``, ``projection``, ``low``, ``high``, ``bound``, ``lower``,
# ``upper``), differences (``gap``), shares (``tolerance``) and dates as "June 2027"
# (``*_month``). Parts of a sentence come from the fragment tables after it, each chosen by a
# keyword param, so no English is stored.
SENTENCES: dict[str, Promise] = {
    ReasonCode.NO_MEASUREMENTS: _(
        "No measurements yet; add a baseline and a later measurement to judge pace."
    ),
    ReasonCode.BASELINE_IN_FUTURE: _(
        "The baseline is dated {baseline_month}; there is nothing to judge before then."
    ),
    ReasonCode.ONE_MEASUREMENT: _("Only one measurement so far; add another to judge pace."),
    ReasonCode.ONLY_BASELINE: _("Only the baseline so far; add a measurement to judge pace."),
    ReasonCode.ONLY_BASELINE_EARLIER_IGNORED: _(
        "Only the baseline so far (measurements dated on or before the baseline, "
        "{baseline_month}, do not count); add a measurement to judge pace."
    ),
    ReasonCode.TARGET_MET: _("Latest {latest} ({latest_month}) meets the target of {target}."),
    ReasonCode.TARGET_BEATEN: _("Latest {latest} ({latest_month}) beats the target of {target}."),
    ReasonCode.TARGET_DATE_PASSED: _(
        "The target date ({target_month}) has passed and the latest {latest} "
        "({latest_month}) is {gap} short of {target}."
    ),
    ReasonCode.FORECAST: _(
        "{basis} {projection} by {target_month} (likely {low} to {high}), {result}. {position}."
    ),
    ReasonCode.TREND: _("{position}; at the current trend {outcome}."),
    ReasonCode.LEGACY: "{text}",  # type: ignore[dict-item]  # stored text, not translated
}
#: ``forecast``: the pace it extends (``scale`` and ``target_passed`` params) over ``window``.
BASES: dict[tuple[str, bool], Promise] = {
    ("linear", False): _(
        "At the pace of the last {window}, changing by the same amount each year, it reaches"
    ),
    ("linear", True): _(
        "At the pace of the last {window}, changing by the same amount each year, "
        "it would have reached"
    ),
    ("ratio", False): _(
        "At the pace of the last {window}, changing by the same percentage each year, it reaches"
    ),
    ("ratio", True): _(
        "At the pace of the last {window}, changing by the same percentage each year, "
        "it would have reached"
    ),
    ("gap", False): _(
        "At the pace of the last {window}, closing the same share of its distance to {bound} "
        "each year, it reaches"
    ),
    ("gap", True): _(
        "At the pace of the last {window}, closing the same share of its distance to {bound} "
        "each year, it would have reached"
    ),
    ("bounded", False): _(
        "At the pace of the last {window}, slowing as it nears {lower} or {upper}, it reaches"
    ),
    ("bounded", True): _(
        "At the pace of the last {window}, slowing as it nears {lower} or {upper}, "
        "it would have reached"
    ),
}
#: ``forecast``: the stretch of time the pace is taken over (``window_days`` param).
WINDOWS: dict[str, Promise] = {
    "years": _("{count} years"),
    "year": _("year"),
    "months": _("{count} months"),
    "month": _("month"),
    "weeks": _("{count} weeks"),
    "days": _("{count} days"),
}
#: ``forecast``: how the projection stands against the target (``result`` param).
RESULTS: dict[str, Promise] = {
    "beating": _("beating {target}"),
    "right_at": _("right at {target}"),
    "close": _("close enough to {target} (within the {tolerance} of the planned change allowed)"),
    "short": _("short of {target}"),
    #: Stored by the gap-to-plan rule of an earlier version; still rendered.
    "if_it_holds": _("reaching {target} only if that pace holds"),
}
#: ``trend`` and ``forecast``: where the latest value stands (``position``), expected ``by``...
POSITIONS: dict[str, Promise] = {
    "matches": _("Latest {latest} matches the {expected} expected {by}"),
    "ahead": _("Latest {latest} is {gap} ahead of the {expected} expected {by}"),
    "behind": _("Latest {latest} is {gap} behind the {expected} expected {by}"),
}
#: ... "by now" when the latest measurement is from the month of the assessment (``by_now``).
BY: dict[bool, Promise] = {True: _("by now"), False: _("by {latest_month}")}
#: ``trend`` (stored before the forecast): where it lands by the target date (``outcome``).
OUTCOMES: dict[tuple[str, bool], Promise] = {
    ("short", False): _("it reaches {projection} by {target_month}, short of {target}"),
    ("right_at", False): _("it reaches {projection} by {target_month}, right at {target}"),
    ("beating", False): _("it reaches {projection} by {target_month}, beating {target}"),
    ("short", True): _("it would have reached {projection} by {target_month}, short of {target}"),
    ("right_at", True): _(
        "it would have reached {projection} by {target_month}, right at {target}"
    ),
    ("beating", True): _("it would have reached {projection} by {target_month}, beating {target}"),
}
#: Added after any judged sentence when the latest measurement is stale (``stale_months``).
STALE = _("The latest measurement is over {stale_months} months old; add a newer one.")
#: Differences in % are points (``gap``).
POINTS: dict[bool, Promise] = {True: _("{number} point"), False: _("{number} points")}
#: For a code this version does not know, or params it cannot render (say, from an older one).
FALLBACK = _("No explanation of this status is available yet.")


def render_reason(code: str, params: Mapping[str, object]) -> str:
    """The sentence for a reason code and its params; :data:`FALLBACK` (never an exception)
    for an unknown code or params that do not fit it (missing, or of the wrong type)."""
    try:
        template = SENTENCES[code]
        if code == ReasonCode.LEGACY:
            return _str(params["text"])
        values = _Values(params)
        text = str(template).format_map(values)
        if "stale_months" in params:
            text += " " + str(STALE).format_map(values)
        return text
    except (KeyError, TypeError, ValueError, AttributeError, OverflowError):
        return str(FALLBACK)


#: The params that are quantities in the goal's unit.
NUMBERS = frozenset({"latest", "target", "expected", "projection", "low", "high", "bound"}) | {
    "lower",
    "upper",
}


class _Values(dict[str, str]):
    """The placeholders of a template, formatted from the params as they are asked for."""

    def __init__(self, params: Mapping[str, object]) -> None:
        super().__init__()
        self.params = params

    def __missing__(self, key: str) -> str:
        p = self.params
        if key.endswith("_month"):
            return month(date.fromisoformat(_str(p[key.removesuffix("_month") + "_date"])))
        if key in NUMBERS:
            return self.formatter().qty(_float(p[key]))
        if key == "gap":  # behind the path (trend) or short of the target (target date passed)
            other = p["expected"] if "expected" in p else p["target"]
            return self.formatter().diff(_float(other) - _float(p["latest"]))
        if key == "tolerance":
            return trim_number(_float(p[key]) * 100, 2) + "%"
        if key == "by":
            return _fill(BY[bool(p["by_now"])], self)
        if key == "position":
            return _fill(POSITIONS[_str(p["position"])], self)
        if key == "outcome":
            return _fill(OUTCOMES[_str(p["outcome"]), bool(p["target_passed"])], self)
        if key == "basis":
            return _fill(BASES[_str(p["scale"]), bool(p["target_passed"])], self)
        if key == "window":
            return _window(_int(p["window_days"]))
        if key == "result":
            return _fill(RESULTS[_str(p["result"])], self)
        if key == "stale_months":
            return str(_int(p[key]))
        raise KeyError(key)

    def formatter(self) -> Formatter:
        return Formatter(_str(self.params["unit"]), _int(self.params["decimals"]))


def _fill(template: Promise, values: Mapping[str, str]) -> str:
    return str(template).format_map(values)


def _window(days: int) -> str:
    """A stretch of time in the unit a person would use: "3 years", "month", "5 weeks"."""
    if days >= 548:
        return str(WINDOWS["years"]).format(count=round(days / 365.25))
    if days >= 320:
        return str(WINDOWS["year"])
    if days >= 46:
        return str(WINDOWS["months"]).format(count=round(days / 30.44))
    if days >= 25:
        return str(WINDOWS["month"])
    if days >= 14:
        return str(WINDOWS["weeks"]).format(count=round(days / 7))
    return str(WINDOWS["days"]).format(count=max(days, 1))


def _str(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(value)
    return value


def _int(value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(value)
    return value


def _float(value: object) -> float:
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise TypeError(value)
    return float(value)


class Formatter:
    """Numbers with ``decimals`` places, trailing zeros dropped, thousands grouped, units placed
    by ``with_unit``; differences in % are "points"."""

    def __init__(self, unit: str, decimals: int) -> None:
        self.unit = unit.strip()
        self.decimals = decimals

    def num(self, value: float) -> str:
        """In the active language's separators ("1 234,5" in French)."""
        return with_separators(
            trim_number(value, self.decimals, grouping=True),
            decimal=str(get_format("DECIMAL_SEPARATOR")),
            thousands=str(get_format("THOUSAND_SEPARATOR")),
        )

    def qty(self, value: float) -> str:
        return with_unit(self.num(value), self.unit)

    def diff(self, value: float) -> str:
        number = self.num(abs(value))
        if self.unit == "%":
            return str(POINTS[number == "1"]).format(number=number)
        return number


def month(when: date) -> str:
    """ "June 2027", in the active language ("juin 2027")."""
    return date_format(when, "YEAR_MONTH_FORMAT")
