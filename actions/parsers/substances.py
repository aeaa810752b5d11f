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
from actions.parsers.message import NO_SPAN, Hit, Message, unique
from actions.parsers.vocabulary import LEXICON_GROUP

PAST = "past"
SOME = "some"
OTHER = "other"
# Names that the lexicon matches only in context, for "which ones?".
STREET_NAMES = "street_names"
CLASSES = ("opioid", "benzodiazepine")
# Use negated: "not currently" is past use, "not taking any" a no.
NEGATED_USE = {"current": PAST, YES: NO}


def also_counted(msg: Message, entity_type: str) -> Sequence[str]:
    """Names of other classes counted with this one (kratom with opioids)."""
    return msg.tables["counts_as"].get(entity_type) or ()


def substance_use(msg: Message, entity_type: str) -> Optional[str]:
    """yes | past | no.

    Current use, or a stop within recent_days, is yes ("stopped last week");
    an older or undated stop, or "used to", is past. Naming a substance of
    the class is a yes, street words too ("bars"); naming only others ("just
    weed") a no.
    """
    hits = msg.hits("substance_use", ANSWER)
    said = [h for h in hits if h.group == "substance_use" and not h.hedged]
    own = [h for h in said if not h.negated]
    labels = {h.label for h in own}
    labels |= {NEGATED_USE[h.label] for h in said if h.negated and h.label in NEGATED_USE}
    names = msg.substance_hits(entity_type, also_counted(msg, entity_type), STREET_NAMES)
    if (
        not labels & {PAST, "stopped"}
        and not any(not h.negated for h in names)
        and _only_others(msg, entity_type, hits)
    ):
        return NO
    if labels & {"current", "recent"}:
        return YES
    stops = [h for h in own if h.label == "stopped"]
    if stops:
        recent = float(msg.tables["recent_days"])
        return YES if any(days_since(msg, h) <= recent for h in stops) else PAST
    if PAST in labels:
        return PAST
    if any(not h.negated for h in names):
        return YES
    if NO in labels or names:
        return NO
    if YES in labels:
        return YES
    return plain(hits) or msg.from_intent(PLAIN_INTENTS)


def _only_others(msg: Message, entity_type: str, hits: Sequence[Hit]) -> bool:
    """Other substances only: "only drink", "just weed", "only xanax" (asked about opioids).

    See only_words in data/answers/substances.yml.
    """
    also = also_counted(msg, entity_type)
    others = [h for h in hits if h.label == OTHER]
    for h in msg.hits(LEXICON_GROUP, STREET_NAMES):
        kind, _, name = h.label.partition(":")
        if kind != entity_type and name not in also:
            others.append(h)
    others += [
        h
        for h in msg.entity_hits(*CLASSES, "alcohol", "other_substance")
        if h.group != entity_type and h.label not in also and h.start != NO_SPAN
    ]
    conditions = set(msg.tables["condition_words"])
    others = [
        h
        for h in others
        if not h.negated and not conditions & set(msg.norms[msg.clause(h.start)[0] : h.start])
    ]
    said = [h for h in hits if h.label != OTHER]
    taken = {i for h in said for i in range(h.start, h.end)}
    only = set(msg.tables["only_words"])
    clauses = {msg.clause(h.start) for h in others}
    return bool(others) and (
        all(msg.clause(h.start) in clauses for h in said)
        or any(
            msg.norms[i] in only and i not in taken
            for h in others
            for i in range(msg.clause(h.start)[0], h.start)
        )
    )


def days_since(msg: Message, stop: Hit, undated: float = float("inf")) -> float:
    """How long ago a stop was, from a duration in its clause; `undated` if not said."""
    start, end = msg.clause(stop.start)
    said = [d.days for d in durations(msg) if start <= d.start < end and not d.negated]
    return min(said) if said else undated


def substance_names(msg: Message, entity_type: str) -> Optional[List[str]]:
    """Canonical names of the class, in the order named, or ["no"].

    To this question a street word names its substance on its own ("bars",
    "subs"); the class word ("benzos") names none, so it is not sure.
    """
    found = msg.substance_hits(entity_type, also_counted(msg, entity_type), STREET_NAMES)
    names = msg.corrected(_said_to_be(msg, [h for h in found if h.label != entity_type]))
    values = unique(h.label for h in names if not h.negated)
    if values:
        return values
    hits = msg.hits("substance_names", ANSWER)
    for label in (NOT_SURE, NO):
        if any(h.group == "substance_names" and h.label == label for h in hits):
            return [label]
    if any(h.label == entity_type and not h.negated for h in found):
        return [NOT_SURE]
    return plain_list(msg, hits)


def _said_to_be(msg: Message, names: List[Hit]) -> List[Hit]:
    """Without the pills said to be fentanyl: "pressed blues but theyre fent"."""
    rule = msg.tables["said_to_be"]
    spanned = sorted((h for h in names if h.start != NO_SPAN), key=lambda h: h.start)
    dropped = set()
    for name, following in zip(spanned, spanned[1:], strict=False):
        between = set(msg.norms[name.end : following.start])
        if (
            following.label == rule["name"] != name.label
            and between & set(rule["words"])
            and not between & set(rule["not_across"])
        ):
            dropped.add(name)
    return [h for h in names if h not in dropped]


def prescribed(msg: Message) -> Optional[str]:
    """yes | no | some: a doctor and a friend both named make "some".

    So does a doctor and a name said not to be from them ("the oxy but not
    the dope"); someone else's prescription is a no.
    """
    hits = msg.hits("prescribed", ANSWER)
    own = [h for h in hits if h.group == "prescribed" and not h.hedged]
    from_doctor = any(h.label == YES and not h.negated for h in own)
    not_prescribed = any(
        (h.label == NO and not h.negated) or (h.label == YES and h.negated) for h in own
    )
    # "my doc gives me the oxy but not the dope"
    named_not = from_doctor and any(
        h.negated for kind in CLASSES for h in msg.substance_hits(kind, (), STREET_NAMES)
    )
    if any(h.label == SOME and not h.negated for h in own) or (
        from_doctor and (not_prescribed or named_not)
    ):
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
    """yes | no: ever on the same day.

    "once or twice" is a yes, and so is naming both without saying more ("my
    klonopin after my methadone").
    """
    answer = yes_no(msg, "with_opioids")
    if answer is None and all(
        any(not h.negated for h in msg.substance_hits(kind, (), STREET_NAMES)) for kind in CLASSES
    ):
        return YES
    return answer


def for_twitching(msg: Message) -> Optional[str]:
    """yes | no: "for anxiety" is a no; "for anxiety and the twitching" a yes.

    How much without for what ("mostly", "kind of") is a yes only when no
    other reason is given: "for sleep mostly" is a no.
    """
    hits = msg.hits("for_twitching", "twitching", ANSWER)
    own = [h for h in hits if h.group != ANSWER and not h.hedged]
    if any(h.label == YES and not h.negated for h in own):
        return YES
    if any(h.label == NO or h.negated for h in own):
        return NO
    if own:
        return YES  # "mostly", "kind of"
    return plain(hits) or msg.from_intent(PLAIN_INTENTS)
