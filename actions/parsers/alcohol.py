"""Answers about alcohol: heavy drinking, counted in standard drinks, and stopping.

The rule and its sources are in data/answers/alcohol.yml.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, List, Mapping, Optional, Tuple

from actions.parsers.common import ANSWER, NO, NOT_SURE, PLAIN_INTENTS, YES, plain
from actions.parsers.message import Hit, Message
from actions.parsers.substances import days_since

BINGE = "binge"
SEVERITY = {NO: 0, BINGE: 1, YES: 2}


@dataclass(frozen=True)
class Amount:
    """Standard drinks said in one go: "a 12 pack", "2 glasses of wine"."""

    drinks: float
    start: int
    end: int


def alcohol_heavy(msg: Message) -> Optional[str]:
    """yes | binge | no, from amounts and how often, or from how they put it."""
    table = msg.tables["drinks"]
    if _other_drinks_only(msg):
        return None
    hits = msg.hits("alcohol_heavy", ANSWER)
    own = [h for h in hits if h.group == "alcohol_heavy" and not h.hedged]
    labels = {h.label for h in own if not h.negated}
    recent = float(msg.tables["recent_stop_days"])
    stops = [h for h in own if h.label == "recent" and not h.negated]
    if any(days_since(msg, h, 0.0) <= recent for h in stops):
        return YES  # stopping now: heavy drinking until now
    # "quit 5 years ago": a stop told with an old date is the past
    past = [h for h in own if h.label == "past" and not h.negated] + stops
    freqs = [
        f for f in msg.hits("drink_frequency") if not f.negated and not _other_drinks_before(msg, f)
    ]
    kinds = {f.label for f in freqs}
    verdicts = [_verdict(f, total, table) for f, total in _totals(msg, freqs).items()]
    if past and "current" not in labels:
        since = [days_since(msg, h) for h in past]
        if any(days <= recent for days in since):
            return YES
        # "se tomaba 3 o 4 caguamas diario", "used to": heavy until when? The
        # question about stopping lately tells, rather than a no that leaves it out.
        if (YES in verdicts or not verdicts) and all(days == float("inf") for days in since):
            return NOT_SURE
        return NO

    if "heavy" in labels:
        verdicts.append(BINGE if kinds == {"sometimes"} else YES)
    if "binge" in labels:
        verdicts.append(BINGE)
    if "light" in labels or any(h.label == "heavy" and h.negated for h in own):
        verdicts.append(NO)
    if verdicts:
        return max(verdicts, key=SEVERITY.__getitem__)

    answer = plain(hits)
    if answer == NO:
        return NO
    # How often, without how much: "every day", "yes on weekends".
    if "daily" in kinds:
        return YES
    if kinds:
        return BINGE
    return answer or msg.from_intent(PLAIN_INTENTS)


def alcohol_stopped(msg: Message) -> Optional[str]:
    """yes | no: stopped or cut back a lot within recent_stop_days.

    Fewer drinks now than before is a cut back ("from a fifth to a couple
    beers"); a plan is not ("gonna stop tomorrow").
    """
    said = stopping_said(msg)
    if said is not None:
        return said
    return plain(msg.hits("alcohol_stopped", ANSWER)) or msg.from_intent(PLAIN_INTENTS)


def stopping_said(msg: Message) -> Optional[str]:
    """yes | no from words about stopping or cutting back; None without such words."""
    hits = msg.hits("alcohol_stopped", ANSWER)
    own = [h for h in hits if h.group == "alcohol_stopped" and not h.hedged]
    stops = [h for h in own if h.label == YES and not h.negated]
    recent = float(msg.tables["recent_stop_days"])
    # Undated ("i quit", "cutting back") is now: that is what was asked.
    if any(days_since(msg, h, undated=0.0) <= recent for h in stops):
        return YES
    fewer = _fewer_now(msg)
    if fewer is not None:
        return YES if fewer else NO
    if own:
        return NO  # "still drinking", "havent stopped", "quit 2 years ago"
    return None


def _fewer_now(msg: Message) -> Optional[bool]:
    """Whether two amounts compared say fewer drinks now; None if none are compared.

    "went from a fifth to a couple beers", "only 2 today instead of my usual 12".
    """
    cues = msg.hits("drink_compare")
    if not cues:
        return None
    said = amounts(msg, [f for f in msg.hits("drink_frequency") if not f.negated])
    found = [(a.start, a.drinks) for a in said]
    taken = {i for a in said for i in range(a.start, a.end)}
    units = msg.tables["durations"]["units"]
    for i, word in enumerate(msg.norms):
        count = msg.number(i)
        following = msg.norms[i + 1] if i + 1 < len(msg.norms) else ""
        if (
            count is not None
            and i not in taken
            and word not in ("a", "an")
            and following not in units
        ):
            found.append((i, count))  # "12" in "instead of my usual 12"
    before = [drinks for start, drinks in sorted(found) if start >= cues[0].end][:1]
    now = [drinks for _, drinks in sorted(found)]
    if not before or len(now) < 2:
        return None
    now.remove(before[0])
    return now[0] < before[0]


def _verdict(frequency: Optional[Hit], total: float, table: Mapping) -> str:
    """yes/binge/no for the drinks said for one frequency (none: a usual day)."""
    heavy = float(table["threshold"])
    kind = frequency.label if frequency else "daily"
    if kind == "daily":
        return YES if total >= heavy else NO
    if kind.startswith("every="):  # "a handle every few days": over the days
        if total / float(kind.partition("=")[2]) >= heavy:
            return YES
        return BINGE if total >= heavy else NO
    if kind == "weekly":
        if total / 7 >= heavy:
            return YES
        return BINGE if total > float(table["weekly_binge_over"]) else NO
    return BINGE if total >= heavy else NO


def _totals(msg: Message, freqs: List[Hit]) -> Dict[Optional[Hit], float]:
    """Drinks added up by the frequency each amount goes with."""
    totals: Dict[Optional[Hit], float] = {}
    for amount in amounts(msg, freqs):
        frequency = _frequency_of(msg, amount, freqs)
        totals[frequency] = totals.get(frequency, 0.0) + amount.drinks
    return totals


def _frequency_of(msg: Message, amount: Amount, freqs: List[Hit]) -> Optional[Hit]:
    """The nearest frequency after the amount in its clause, else before, else anywhere."""
    start, end = msg.clause(amount.start)
    pool = [f for f in freqs if start <= f.start < end] or freqs
    after = [f for f in pool if f.start >= amount.end]
    if after:
        return min(after, key=lambda f: f.start)
    return max(pool, key=lambda f: f.start) if pool else None


def amounts(msg: Message, freqs: List[Hit]) -> List[Amount]:
    """Every amount of drink in the message, in standard drinks."""
    table = msg.tables["drinks"]
    contents = msg.hits("drink_contents")
    servings = [s for s in msg.hits("drink_serving") if not s.negated]
    found: List[Amount] = []
    for i, serving in enumerate(servings):
        following = servings[i + 1] if i + 1 < len(servings) else None
        if following and following.start == serving.end:
            continue  # "beer cans", "wine bottle": the next word is the serving
        previous = servings[i - 1] if i else None
        if previous and "of" in msg.norms[previous.end : serving.start]:
            continue  # "a bottle of wine": counted with the bottle
        size, first = _size(msg, serving, contents, table)
        if size is None:
            continue
        count, start = msg.amount_before(first)
        if count is None:
            word = msg.norms[serving.end - 1]
            if (word.endswith("s") and not word.endswith("ss")) or word in table["verbs"]:
                continue  # "beers on weekends", "i drink every day": how many is not said
            count, start = 1.0, first
        found.append(Amount(count * size, start, serving.end))
    # "like 6 a night", "4 or 5 a day"
    taken = {i for a in found for i in range(a.start, a.end)}
    for frequency in freqs:
        count, start = msg.amount_before(frequency.start)
        if count is None or start in taken or msg.norms[start] in ("a", "an"):
            continue
        if start and msg.norms[start - 1] in msg.tables["range_words"]:
            continue  # "a tall boy or two after work": the two is the tall boys
        found.append(Amount(count, start, frequency.start))
    return found


def _size(
    msg: Message, serving: Hit, contents: List[Hit], table: Mapping
) -> Tuple[Optional[float], int]:
    """Standard drinks in one serving, and the token its count comes before."""
    label = serving.label
    if label.replace(".", "").isdigit():
        return float(label), serving.start
    if label in ("pack", "oz"):
        j = serving.start - 1
        if j >= 0 and msg.norms[j] == "-":
            j -= 1  # "12-pack"
        number = msg.number(j)
        if number is None or msg.norms[j] in ("a", "an"):
            return (float(table["pack_default"]), serving.start) if label == "pack" else (None, 0)
        size = number if label == "pack" else number / float(table["ounces_per_drink"])
        return size, j
    by_contents = table["by_contents"][label]
    held = [
        c.label
        for c in contents
        if c.end == serving.start  # "wine bottle"
        or (serving.end < c.start <= serving.end + 2 and "of" in msg.norms[serving.end : c.start])
    ]
    # "henny every night, half a bottle": one drink named in the message fills the bottle.
    named = {c.label for c in contents}
    kind = held[0] if held else (named.pop() if len(named) == 1 else "default")
    return float(by_contents.get(kind, by_contents["default"])), serving.start


def _other_drinks_before(msg: Message, frequency: Hit) -> bool:
    """ "5 coffees a day": how often something else is drunk."""
    return bool(
        set(msg.norms[max(0, frequency.start - 2) : frequency.start])
        & set(msg.tables["not_alcohol"])
    )


def _other_drinks_only(msg: Message) -> bool:
    """Drinks that are not alcohol named, and no alcohol: "i drink a lot of energy drinks"."""
    others = set(msg.tables["not_alcohol"])
    named = set(msg.norms) & others
    # "energy drinks": the word "drinks" after one of them is no alcohol
    alcohol = [
        h
        for h in [*msg.entity_hits("alcohol"), *msg.hits("drink_contents")]
        if not (h.start > 0 and msg.norms[h.start - 1] in others)
    ]
    return bool(named) and not alcohol
