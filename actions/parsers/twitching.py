"""Whether there is twitching, where, when and for how long."""

from __future__ import annotations

from typing import List, Optional

from actions.parsers.common import (
    ANSWER,
    NO,
    NOT_SURE,
    PLAIN_INTENTS,
    SKIPPED,
    YES,
    plain,
    plain_list,
)
from actions.parsers.durations import durations
from actions.parsers.message import Hit, Message, unique

# Where and when it happens, and how long for, all describe twitching.
DESCRIBING = ("twitch_location", "twitch_timing", "twitch_duration")
DESCRIBING_ENTITIES = ("body_part", "twitch_timing", "duration")


def twitching(msg: Message) -> Optional[str]:
    """yes | no: "my legs jump at night" is a yes, "no twitching" a no.

    After a leading no, only twitching words or a yes count: "no, but i get
    sweaty and cant sleep" and "i dont have twitching, just drinking every
    night" describe something else.
    """
    hits = msg.hits("twitching", *DESCRIBING, ANSWER)
    timings = msg.tables["timings_describing_twitching"]
    # "no", or a denial such as "i dont have twitching", first.
    leading_no = bool(hits) and hits[0].label == NO
    describing = () if leading_no and hits[0].start == 0 else DESCRIBING
    described: List[Hit] = [
        h
        for h in hits
        if h.group != ANSWER
        and h.label != NO
        and not h.hedged
        and (h.group == "twitching" or h.group in describing)
        and (h.group != "twitch_timing" or h.label in timings)
    ]
    if describing:
        described += msg.entity_hits(*DESCRIBING_ENTITIES)
    if any(not h.negated for h in described):
        return YES
    if describing and any(not d.negated for d in durations(msg)):
        return YES
    if described or any(h.group != ANSWER and h.label == NO for h in hits):
        return NO
    return plain(hits) or msg.from_intent(PLAIN_INTENTS)


def twitch_location(msg: Message) -> Optional[List[str]]:
    """Body parts, or ["no"]: "not my legs, my arms" is ["arms"]."""
    return _named(msg, "twitch_location", "body_part")


def twitch_timing(msg: Message) -> Optional[List[str]]:
    """Times: "mornings before my first drink" is ["morning", "in_withdrawal"]."""
    return _named(msg, "twitch_timing", "twitch_timing")


def twitch_duration(msg: Message) -> Optional[str]:
    """days | weeks | months | years | a_while: the first length said that is not negated.

    A vague one ("a while") only when nothing more precise is said; after a
    correction, what follows it ("4 days no wait 2 weeks").
    """
    said = msg.corrected([d for d in durations(msg) if not d.negated])
    precise = [d.value for d in said if d.value != "a_while"]
    if precise or said:
        return (precise or [d.value for d in said])[0]
    answer = plain(msg.hits(ANSWER))
    if answer in (NOT_SURE, SKIPPED):
        return answer
    return None if answer else msg.from_intent({"unsure": NOT_SURE, "skip": SKIPPED})


def _named(msg: Message, group: str, entity_type: str) -> Optional[List[str]]:
    """Values named in the text or by the NLU's entities, minus negated or hedged ones.

    When all that is named is negated or hedged, the answer does not say
    where or when ("not my legs"): None, or not sure with an "idk" ("im not
    with him at night so idk").
    """
    hits = msg.hits(group, ANSWER)
    own = [h for h in hits if h.group == group and h.label != NO]
    taken = {i for h in own for i in range(h.start, h.end)}
    entities = [h for h in msg.entity_hits(entity_type) if not taken & set(range(h.start, h.end))]
    named = msg.corrected(sorted(own, key=lambda h: h.start) + entities)
    values = unique(h.label for h in named if not h.negated and not h.hedged)
    if values:
        return values
    if any(h.group == group and h.label == NO for h in hits):
        return [NO]
    if named and plain(hits) != NOT_SURE:
        return None  # only negated ("not my legs"): it does not say where
    return plain_list(msg, hits)
