"""Answers about opioids and benzodiazepines."""

from __future__ import annotations

from typing import List, Optional, Sequence, Set

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
NOT_ME = "not_me"
UNKNOWN = "unknown"
DOUBTED = "doubted"
# "because the doctor said": someone's say-so, not a reason of one's own.
TOLD_TO = "told_to"
# "ive been on them for years": taking them, which says nothing of why.
TAKING = "taking"
# Names that the lexicon matches only in context, for "which ones?".
STREET_NAMES = "street_names"
# "pills from her boyfriend": opioids, when asked about them.
PILLS_FROM_SOMEONE = "pills_from_someone"
CLASSES = ("opioid", "benzodiazepine")
# A plain no, not a negation: "mostly no, i have a script for tramadol".
PLAIN_NO = {"no", "nope", "nah"}
# How often ("every day"): a use now, unless the answer puts it in the past.
OFTEN = "often"
# Use negated: "not currently" is past use, "not taking any" a no, "not every day"
# a use now and then.
NEGATED_USE = {"current": PAST, YES: NO, OFTEN: YES}


def also_counted(msg: Message, entity_type: str) -> Sequence[str]:
    """Names of other classes counted with this one (kratom with opioids)."""
    return msg.tables["counts_as"].get(entity_type) or ()


def substance_use(msg: Message, entity_type: str) -> Optional[str]:
    """yes | past | no.

    Current use, or a stop within recent_days, is yes ("stopped last week",
    "i stopped": the question asks about the last month); an older stop, time
    off not dated ("im clean"), or "used to", is past. Naming a substance of
    the class is a yes, street words too ("bars"); naming only others ("just
    weed") a no. Names said of someone else are theirs when the answer says
    "not me" ("my wife takes xanax but i dont"); something unnamed with an
    "idk" is not sure ("i take something for pain, no idea what").
    """
    hits = msg.hits("substance_use", ANSWER)
    said = [h for h in hits if h.group == "substance_use" and not h.hedged]
    own = [h for h in said if not h.negated]
    labels = {h.label for h in own}
    labels |= {NEGATED_USE[h.label] for h in said if h.negated and h.label in NEGATED_USE}
    found = msg.substance_hits(
        entity_type, also_counted(msg, entity_type), STREET_NAMES, PILLS_FROM_SOMEONE
    )
    names = [h for h in found if not h.hedged]
    if NOT_ME in labels:
        names = [h for h in names if not _someone_elses(msg, h)]
        labels = (labels - {NOT_ME}) | {NO}
    if DOUBTED in labels:
        return NOT_SURE
    lead = _leading_answer(hits)
    theirs = [h for h in names if not h.negated and not _someone_elses(msg, h)]
    if lead in (NO, NOT_SURE) and not theirs:
        # The answer comes first, the rest is about something else: "no never
        # touched that stuff. im on klonopin tho" (asked about opioids), "no se la
        # verdad, a veces lo veo dormido", "no, nunca. a mi prima le dieron
        # percocet", "nah. does adderall count? i take it for adhd".
        asks_back = msg.asking and not labels & {PAST, "stopped", "clean", "recent"}
        theirs_only = bool(names)  # names of the class, all negated or someone else's
        others = any(not h.negated for h in _other_names(msg, entity_type))
        if lead == NOT_SURE or theirs_only or others or asks_back:
            return lead
    if (
        UNKNOWN in labels
        and not any(not h.negated for h in names)
        and any(h.label == NOT_SURE for h in hits)
    ):
        return NOT_SURE
    if (
        not labels & {PAST, "stopped", "clean"}
        and not any(not h.negated for h in names)
        and _only_others(msg, entity_type, [h for h in hits if h.label != UNKNOWN])
    ):
        return NO
    if labels & {"current", "recent"}:
        return YES
    stops = [h for h in own if h.label in ("stopped", "clean")]
    if stops:
        recent = float(msg.tables["recent_days"])
        undated = {"stopped": 0.0, "clean": float("inf")}
        return YES if any(days_since(msg, h, undated[h.label]) <= recent for h in stops) else PAST
    if PAST in labels:
        return PAST
    if OFTEN in labels:
        return YES
    if not said and _unsure_of(msg, hits, theirs):
        return NOT_SURE
    if any(not h.negated for h in names):
        return YES
    if NO in labels or names:
        return NO
    if YES in labels:
        return YES
    return plain(hits) or msg.from_intent(PLAIN_INTENTS)


def _unsure_of(msg: Message, hits: Sequence[Hit], names: Sequence[Hit]) -> bool:
    """ "xanax no se", "idk about xanax": the names come with an "I don't know" about them,
    and no yes ("yes xanax, idk how much")."""
    if any(h.label == YES for h in hits):
        return False
    dont_know_words = set(msg.tables["dont_know_words"])
    unsure = [
        h for h in hits
        if h.label == NOT_SURE and dont_know_words & set(msg.norms[h.start : h.end])
    ]  # fmt: skip
    joining = set(msg.tables["unsure_about"])
    for doubt in unsure:
        for name in names:
            if name.start == NO_SPAN:
                continue
            between = (
                msg.norms[doubt.end : name.start]
                if doubt.end <= name.start
                else msg.norms[name.end : doubt.start]
            )
            if {word for word in between if word.isalnum()} <= joining:
                return True
    return False


def _someone_elses(msg: Message, name: Hit) -> bool:
    """Whether a name is said of someone else: "my wife takes xanax"."""
    if name.start == NO_SPAN:
        return False
    start, _ = msg.clause(name.start)
    return bool(set(msg.norms[start : name.start]) & set(msg.tables["other_people"]))


def _leading_answer(hits: Sequence[Hit]) -> Optional[str]:
    """A plain answer the message starts with ("no", "nah", "no se"), if any."""
    first = min(hits, key=lambda h: h.start, default=None)
    if first is None or first.start != 0 or first.group != ANSWER or first.negated:
        return None
    return first.label


def _other_names(msg: Message, entity_type: str, hits: Sequence[Hit] = ()) -> List[Hit]:
    """Substances of other classes (and other substances) named."""
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
    return others


def _only_others(msg: Message, entity_type: str, hits: Sequence[Hit]) -> bool:
    """Other substances only: "only drink", "just weed", "only xanax" (asked about opioids).

    See only_words in data/answers/substances.yml.
    """
    others = _other_names(msg, entity_type, hits)
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


def prescription_said(msg: Message) -> Optional[str]:
    """Whether prescribed, only from words that say so ("my doctor gives me", "off the
    street"): never from a plain yes or no, which answers another question."""
    own = [h for h in msg.hits("prescribed", ANSWER) if h.group == "prescribed" and not h.hedged]
    return prescribed(msg) if own else None


def prescribed(msg: Message) -> Optional[str]:
    """yes | no | some: a doctor and a friend both named make "some".

    So do a name said to be prescribed and one said not to be ("the
    klonopin yes, the bars no", "my ativan is, i buy xanax too"), and a
    doctor after a leading no ("mostly no, i have a script for tramadol").
    Someone else's prescription is a no, and so is disbelief ("who would
    prescribe that"); "my buddy gives me some" says how many, not which.
    """
    hits = msg.hits("prescribed", ANSWER)
    own = [h for h in hits if h.group == "prescribed" and not h.hedged]
    yes = [h for h in own if h.label == YES and not h.negated]
    no = [h for h in own if (h.label == NO and not h.negated) or (h.label == YES and h.negated)]
    leading_no = [
        h
        for h in hits
        if h.group == ANSWER and h.label == NO and msg.norms[h.start] in PLAIN_NO and not h.negated
    ]
    agree = [h for h in hits if h.group == ANSWER and h.label == YES and not h.negated]
    said = _prescribed_or_not(msg, [*yes, *agree], no)
    if yes:
        said.add(YES)
    if no or (yes and leading_no and leading_no[0].start < yes[0].start):
        said.add(NO)
    if any(h.label == SOME and not h.negated for h in own) or said == {YES, NO}:
        return SOME
    if yes:
        return YES
    if no:
        return NO
    return plain(hits) or msg.from_intent(PLAIN_INTENTS)


def _prescribed_or_not(msg: Message, yes: Sequence[Hit], no: Sequence[Hit]) -> Set[str]:
    """What is said of the names, to tell a mix: prescribed (yes) or not (no).

    A negated name is not ("not the dope"); else what is said in its clause
    decides: a source or a yes ("i buy xanax", "yeah the methadone"), or
    "is" after the name ("my ativan is").
    """
    affirming = set(msg.tables["affirming_words"])
    said: Set[str] = set()
    for kind in CLASSES:
        for name in msg.substance_hits(kind, (), STREET_NAMES):
            if name.negated:
                said.add(NO)
                continue
            if name.start == NO_SPAN or name.hedged:
                continue
            start, end = msg.clause(name.start)
            near = [h for h in [*yes, *no] if start <= h.start < end]
            if near:
                said.add(YES if max(near, key=lambda h: h.start) in yes else NO)
            elif affirming & set(msg.norms[name.end : end]):
                said.add(YES)
    return said


def dose_change(msg: Message) -> Optional[str]:
    """up | down | stopped | restarted | no, or yes when it changed without saying how.

    A restart or a stop outweighs the direction of a change; between up and
    down, the last said wins ("cut back but now taking more"). After a
    correction, only what follows it counts ("stopped, no wait, cut down").
    """
    hits = msg.hits("dose_change", ANSWER)
    own = msg.corrected([h for h in hits if h.group == "dose_change" and not h.hedged])
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
    klonopin after my methadone"); only other substances with them ("no,
    only alcohol with them") is a no.
    """
    opioids = msg.substance_hits("opioid", also_counted(msg, "opioid"), STREET_NAMES)
    if not any(not h.negated for h in opioids) and _with_others_only(msg):
        return NO
    answer = yes_no(msg, "with_opioids")
    if answer is None and all(
        any(not h.negated for h in msg.substance_hits(kind, (), STREET_NAMES)) for kind in CLASSES
    ):
        return YES
    return answer


def _with_others_only(msg: Message) -> bool:
    """Other substances said with "only" or after a no: "no, only alcohol with them"."""
    hits = msg.hits("substance_use", ANSWER)
    others = [h for h in hits if h.label == OTHER and not h.negated]
    for h in msg.hits(LEXICON_GROUP):
        if h.label.partition(":")[0] not in CLASSES and not h.negated:
            others.append(h)
    if not others:
        return False
    first = min(h.start for h in others)
    only = set(msg.tables["only_words"]) & set(msg.norms[:first])
    return bool(only) or plain(hits) == NO


def for_twitching(msg: Message) -> Optional[str]:
    """yes | no: "for anxiety" is a no; "for anxiety and the twitching" a yes.

    How much without for what ("mostly", "kind of") is a yes only when no
    other reason is given: "for sleep mostly" is a no. "Because the doctor
    said" is a no, unless a yes is said too ("yes, my doctor prescribed them").
    Twitching that came after them, or from stopping them, is a no ("the
    twitching started after i quit"), and so is a habit ("im hooked").
    """
    hits = msg.hits("for_twitching", "twitching", ANSWER)
    own = [h for h in hits if h.group != ANSWER and not h.hedged and h.label != TAKING]
    plain_said = [h for h in hits if h.group == ANSWER and not h.negated]
    if plain_said and min(plain_said, key=lambda h: h.start).start == 0:
        first = min(plain_said, key=lambda h: h.start)
        if first.label == NO and not any(h.label == YES for h in plain_said):
            return NO  # "no, they dont even help the twitching, i take em for anxiety"
    own_yes = any(h.label == YES and not h.negated for h in own)
    own_no = any(h.label == NO or h.negated for h in own)
    if own_yes and own_no and any(h.label == NOT_SURE for h in plain_said):
        return NOT_SURE  # "cant really tell if its for that or the anxiety"
    if own_yes:
        return YES
    if own_no:
        return NO
    if any(h.label == TOLD_TO for h in own):
        return YES if plain(hits) == YES else NO
    if own:
        return YES  # "mostly", "kind of"
    return plain(hits) or msg.from_intent(PLAIN_INTENTS)
