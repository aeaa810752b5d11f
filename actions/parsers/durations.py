"""How long something has gone on: "2 wks", "a couple months", "since summer"."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import List, Mapping, Optional, Tuple

from actions.parsers.message import Message, select

GROUP = "twitch_duration"
VALUES = ("days", "weeks", "months", "years")
# Days standing for a value said in words ("since summer"), so that stops
# can be called recent or not: the middle of each range, roughly.
TYPICAL_DAYS = {"days": 3.0, "weeks": 14.0, "months": 90.0, "years": 730.0, "a_while": 180.0}


@dataclass(frozen=True)
class Duration:
    """A length of time said in the message."""

    value: str  # days | weeks | months | years | a_while
    days: float
    start: int
    end: int
    negated: bool = False


def value_of(days: float, limits: Mapping[str, float]) -> str:
    """days/weeks/months/years for a number of days."""
    for value in VALUES[:-1]:
        if days < float(limits[value]):
            return value
    return VALUES[-1]


def durations(msg: Message) -> List[Duration]:
    """Every duration in the message, in text order, numbers and phrases alike."""
    table = msg.tables["durations"]
    found = [(0, *span) for span in _numeric(msg, table)]
    found += [(1, h.label, h.start, h.end) for h in msg.hits(GROUP)]
    chosen = select(found)
    spans = [(start, end) for _, _, start, end in chosen]
    result = []
    for _, label, start, end in chosen:
        value, _, days = label.partition("=")
        days_value = float(days) if days else TYPICAL_DAYS[value]
        result.append(Duration(value, days_value, start, end, msg.negated(start, end, spans)))
    return result


def _numeric(msg: Message, table: Mapping) -> List[Tuple[str, int, int]]:
    """("<value>=<days>", start, end) for "2 weeks", "a few days", "since 2019"."""
    units, norms = table["units"], msg.norms
    spans: List[Tuple[str, int, int]] = []
    for i, word in enumerate(norms):
        if i in msg.asking:
            continue
        if word in units and not _frequency(msg, i, table):
            count, start = msg.amount_before(i, pick=_middle)
            if _an_age(norms, i, start, count, table):
                continue
            if count is None:
                count = 2.0 if word.endswith("s") else 1.0
            end = i + 1
            half = _and_a_half(norms, end)
            if half:  # "a week and a half"
                count, end = count + 0.5, end + half
            if start > 0 and norms[start - 1] in table["this"]:
                count, start = count / 2, start - 1  # "this week": started this week
            days = count * float(units[word])
            before = set(norms[max(0, start - 2) : start])
            if before & set(table["shorter"]):
                days *= 0.97
            elif before & set(table["longer"]):
                days *= 1.03
            spans.append((f"{value_of(days, table['limits'])}={days}", start, end))
        elif len(word) == 4 and word.isdigit():
            since = _year_start(norms, i, table)
            years = date.today().year - int(word)
            if since is not None and 0 <= years < 100:
                days = max(years, 0.5) * 365.25
                spans.append((f"{value_of(days, table['limits'])}={days}", since, i + 1))
    return spans


def _an_age(norms: List[str], i: int, start: int, count: Optional[float], table: Mapping) -> bool:
    """ "my 19 year old son", "mi hijo de 19 años", "tiene 19 años": an age, not how long."""
    ages = table["ages"]
    if norms[i] not in ages["units"] or count is None:
        return False
    if norms[i + 1 : i + 2] and norms[i + 1] in ages["after"]:
        return True
    before = norms[start - 1] if start > 0 else ""
    return before in ages["of"] or (before in ages["has"] and count >= float(ages["min_age"]))


def _year_start(norms: List[str], i: int, table: Mapping) -> Optional[int]:
    """Where "since 2019" or "desde el 2020" starts, when token i is the year of one."""
    j = i - 1
    if j > 0 and norms[j] in table["year_articles"]:
        j -= 1  # "desde el 2020"
    return j if j >= 0 and norms[j] in table["since_year"] else None


def _and_a_half(norms: List[str], i: int) -> int:
    """How many tokens "and a half" takes from token i, or 0."""
    for words in (["and", "a", "half"], ["and", "half"]):
        if norms[i : i + len(words)] == words:
            return len(words)
    return 0


def _middle(low: float, high: float) -> float:
    """ "six or seven days" is under a week: a range of lengths is its middle."""
    return (low + high) / 2


def _frequency(msg: Message, i: int, table: Mapping) -> bool:
    """Whether unit i is part of a frequency or a time of day, not a duration.

    "every day", "all day", "at night", "3 times a day", "3 days a week",
    "a 12 pack a day".
    """
    norms = msg.norms
    before = norms[i - 1] if i else ""
    if before in table["not_after"] or before in table["times"]:
        return True
    per_what = norms[i - 2] if i >= 2 else ""
    if before in ("a", "an", "per") and (
        per_what in table["times"] or per_what in table["amounts"] or per_what.isdigit()
    ):
        return True
    after = norms[i + 1 : i + 3]
    return (
        len(after) == 2 and after[0] in ("a", "per", "each", "every") and after[1] in table["units"]
    )
