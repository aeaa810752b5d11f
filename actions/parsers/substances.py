"""Answers about opioids and benzodiazepines."""

from __future__ import annotations

from typing import List, Optional, Sequence

from actions.parsers.common import (
    ANSWER,
    NO,
    NOT_SURE,
    PLAIN_INTENTS,
    YES,
    plain,
    plain_list,
    yes_no,
)
from actions.parsers.durations import durations
from actions.parsers.message import Hit, Message, unique

PAST = "past"
SOME = "some"
# Use negated: "not currently" is past use, "not taking any" a no.
NEGATED_USE = {"current": PAST, YES: NO}


def also_counted(msg: Message, entity_type: str) -> Sequence[str]:
    """Names of other classes counted with this one (kratom with opioids)."""
    return msg.tables["counts_as"].get(entity_type) or ()


def substance_use(msg: Message, entity_type: str) -> Optional[str]:
    """yes | past | no.

    Current use, or a stop within recent_days, is yes ("stopped last week");
    an older or undated stop, or "used to", is past. Naming a substance of
    the class is a yes.
    """
    hits = msg.hits("substance_use", ANSWER)
    said = [h for h in hits if h.group == "substance_use" and not h.hedged]
    own = [h for h in said if not h.negated]
    labels = {h.label for h in own}
    labels |= {NEGATED_USE[h.label] for h in said if h.negated and h.label in NEGATED_USE}
    if labels & {"current", "recent"}:
        return YES
    stops = [h for h in own if h.label == "stopped"]
    if stops:
        recent = float(msg.tables["recent_days"])
        return YES if any(days_since(msg, h) <= recent for h in stops) else PAST
    if PAST in labels:
        return PAST
    names = msg.substance_hits(entity_type, also_counted(msg, entity_type))
    if any(not h.negated for h in names):
        return YES
    if NO in labels or names:
        return NO
    if YES in labels:
        return YES
    return plain(hits) or msg.from_intent(PLAIN_INTENTS)


def days_since(msg: Message, stop: Hit, undated: float = float("inf")) -> float:
    """How long ago a stop was, from a duration in its clause; `undated` if not said."""
    start, end = msg.clause(stop.start)
    said = [d.days for d in durations(msg) if start <= d.start < end and not d.negated]
    return min(said) if said else undated


def substance_names(msg: Message, entity_type: str) -> Optional[List[str]]:
    """Canonical names of the class, in the order named, or ["no"]."""
    names = msg.substance_hits(entity_type, also_counted(msg, entity_type))
    values = unique(h.label for h in names if not h.negated)
    if values:
        return values
    hits = msg.hits("substance_names", ANSWER)
    for label in (NOT_SURE, NO):
        if any(h.group == "substance_names" and h.label == label for h in hits):
            return [label]
    return plain_list(msg, hits)


def prescribed(msg: Message) -> Optional[str]:
    """yes | no | some: a doctor and a friend both named make "some"."""
    hits = msg.hits("prescribed", ANSWER)
    own = [h for h in hits if h.group == "prescribed" and not h.hedged]
    from_doctor = any(h.label == YES and not h.negated for h in own)
    not_prescribed = any(
        (h.label == NO and not h.negated) or (h.label == YES and h.negated) for h in own
    )
    if any(h.label == SOME and not h.negated for h in own) or (from_doctor and not_prescribed):
        return SOME
    if from_doctor:
        return YES
    if not_prescribed:
        return NO
    return plain(hits) or msg.from_intent(PLAIN_INTENTS)


def dose_change(msg: Message) -> Optional[str]:
    """up | down | stopped | restarted | no, or yes when it changed without saying how.

    A restart or a stop outweighs the direction of a change; between up and
    down, the last said wins ("cut back but now taking more").
    """
    hits = msg.hits("dose_change", ANSWER)
    own = [h for h in hits if h.group == "dose_change" and not h.hedged]
    changes = [_compare(msg, h) if h.label == "compare" else h.label for h in own if not h.negated]
    for change in ("restarted", "stopped"):
        if change in changes:
            return change
    directions = [c for c in changes if c in ("up", "down")]
    if directions:
        return directions[-1]
    if YES in changes:
        return YES  # "it goes up and down"
    if own:
        return NO  # "same as always", "havent cut back"
    return plain(hits) or msg.from_intent(PLAIN_INTENTS)


def _compare(msg: Message, hit: Hit) -> str:
    """ "went from 2 to 4 a day": up, down or no, from the first and last number."""
    numbers = [n for n in map(msg.number, range(hit.start, hit.end)) if n is not None]
    if numbers[-1] > numbers[0]:
        return "up"
    return "down" if numbers[-1] < numbers[0] else NO


def with_opioids(msg: Message) -> Optional[str]:
    """yes | no: ever on the same day."""
    return yes_no(msg, "with_opioids")


def for_twitching(msg: Message) -> Optional[str]:
    """yes | no: "for anxiety" is a no; "for anxiety and the twitching" a yes."""
    return yes_no(msg, "for_twitching", "twitching")
