"""Answers every question shares: yes, no, not sure, skipped."""

from __future__ import annotations

from typing import Dict, List, Optional, Sequence

from actions.parsers.message import Hit, Message

YES = "yes"
NO = "no"
NOT_SURE = "not sure"
SKIPPED = "skipped"
ANSWER = "answer"

PLAIN_INTENTS = {"affirm": YES, "deny": NO, "unsure": NOT_SURE, "skip": SKIPPED}
# Not wanting to answer the questions at all is a no to starting them.
START_INTENTS = {"affirm": YES, "deny": NO, "unsure": NOT_SURE, "skip": NO}
LIST_INTENTS: Dict[str, List[str]] = {"deny": [NO], "unsure": [NOT_SURE], "skip": [SKIPPED]}


def plain(hits: Sequence[Hit]) -> Optional[str]:
    """The last plain yes or no ("no.. actually yes"), else skipped, else not sure."""
    words = [h.label for h in hits if h.group == ANSWER]
    yes_no = [w for w in words if w in (YES, NO)]
    if yes_no:
        return yes_no[-1]
    for label in (SKIPPED, NOT_SURE):
        if label in words:
            return label
    return None


def plain_list(msg: Message, hits: Sequence[Hit]) -> Optional[List[str]]:
    """["no"], ["not sure"] or ["skipped"] for a question answered by naming things."""
    answer = plain(hits)
    if answer in (NO, NOT_SURE, SKIPPED):
        return [str(answer)]
    return None if answer else msg.from_intent(LIST_INTENTS)


def yes_no(msg: Message, group: str, *describing: str) -> Optional[str]:
    """A yes/no question with its own phrases in `group`.

    Its own phrases come before plain yes and no, and a yes among them wins:
    "not usually, but sometimes same night" is a yes. A negated yes is a no.
    Matches of the `describing` groups count as yes ("my legs jump").
    """
    hits = msg.hits(group, *describing, ANSWER)
    own = [h for h in hits if h.group != ANSWER and not h.hedged]
    if any(not h.negated and h.label != NO for h in own):
        return YES
    if own:
        return NO
    return plain(hits) or msg.from_intent(PLAIN_INTENTS)


def dont_know(msg: Message) -> bool:
    """Whether the message says "I don't know" ("idk", "no idea", "he never says").

    A "maybe" or "depends" does not: "no, maybe a beer or two" is a no.
    """
    words = set(msg.tables["dont_know_words"])
    return any(
        h.label == NOT_SURE and words & set(msg.norms[h.start : h.end]) for h in msg.hits(ANSWER)
    )


# Tokens after a first yes within which a no still takes it back ("sure, but not now").
STORY_AFTER_YES = 8


# "Yes, let's start" and "No, just the phone number", by number.
BUTTON_NUMBERS = {"1": YES, "2": NO}


def start(msg: Message) -> Optional[str]:
    """yes | no | not sure, to "Would you like to answer a few short questions?".

    The last yes or no said wins ("sure, but not now"); "ok" and "go ahead"
    agree, "just the number" and "skip" decline.
    """
    typed = "".join(norm for norm in msg.norms if norm.isalnum())
    if typed in BUTTON_NUMBERS:  # the buttons' order, typed as by SMS
        return BUTTON_NUMBERS[typed]
    hits = msg.hits("start", ANSWER)
    said = [(NO if h.negated and h.group == "start" else h.label, h.start) for h in hits]
    yes_no = [(label, at) for label, at in said if label in (YES, NO)]
    if yes_no and yes_no[0][0] == YES:
        # "yeah ok. so basically ... my legs wont stop twitching": a yes, then a
        # story; a no far into the story is not about the questions.
        yes_no = [(label, at) for label, at in yes_no if at - yes_no[0][1] <= STORY_AFTER_YES]
    if yes_no:
        return yes_no[-1][0]
    said_labels = [label for label, _ in said]
    if SKIPPED in said_labels:
        return NO
    return NOT_SURE if NOT_SURE in said_labels else msg.from_intent(START_INTENTS)
