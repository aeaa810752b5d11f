"""How many explanation blocks to send in one SMS turn.

Every safety block comes in the first turn, however many texts that takes:
SMS never carries fewer warnings than the web. Background blocks follow while
the turn stays within TURN_TEXTS texts of 160 characters (the SMS channel
joins short messages into one text, addons/channels/sms_text.py), then "Reply
MORE for more"; MORE sends the next ones. The lengths come from the responses
in the domain, as the SMS channel would render them for this person.
"""

import re
from typing import Any, Collection, List, Mapping, Sequence

from storage.gsm7 import SMS_LENGTH, TURN_TEXTS, gsm_length
from storage.names import SMS_CHANNEL

MORE_PROMPT = "utter_explain_sms_more"
SLOT = re.compile(r"\{(\w+)\}")


def _fits(variant: Mapping[str, Any], slots: Mapping[str, Any]) -> bool:
    return all(slots.get(c.get("name")) == c.get("value") for c in variant.get("condition") or [])


def sms_length(name: str, domain: Mapping[str, Any], slots: Mapping[str, Any]) -> int:
    """The longest text Rasa may render for this response on SMS; unknown: a whole text.

    Rasa 3.6 prefers, in order: a variant for the channel with a condition
    that holds, one for the channel without a condition, one with a
    condition that holds and no channel, and one with neither.
    """
    variants = [v for v in (domain.get("responses") or {}).get(name) or [] if _fits(v, slots)]
    for channel, conditional in (
        (SMS_CHANNEL, True),
        (SMS_CHANNEL, False),
        (None, True),
        (None, False),
    ):
        group = [
            v for v in variants
            if v.get("channel") == channel and bool(v.get("condition")) == conditional
        ]  # fmt: skip
        if group:
            return max(gsm_length(_filled(str(v.get("text") or ""), slots)) for v in group)
    return SMS_LENGTH


def _filled(text: str, slots: Mapping[str, Any]) -> str:
    return SLOT.sub(lambda m: str(slots.get(m.group(1)) or m.group(0)), text)


def texts_needed(lengths: Sequence[int]) -> int:
    """Texts for messages of these lengths, joined in order while they fit (as the channel does)."""
    texts: List[int] = []
    for length in lengths:
        if texts and texts[-1] + 1 + length <= SMS_LENGTH:
            texts[-1] += 1 + length
        else:
            texts.append(length)
    return len(texts)


def page_size(
    blocks: Sequence[str],
    domain: Mapping[str, Any],
    slots: Mapping[str, Any],
    before: Sequence[str] = (),
    after: Sequence[str] = (),
    safety: Collection[str] = (),
) -> int:
    """How many of `blocks` to send this turn: every safety block, then as many as fit.

    `before` and `after` are the responses the turn sends around the blocks;
    the MORE prompt comes after the blocks whenever some are left.
    """
    length = {
        name: sms_length(name, domain, slots) for name in [*blocks, *before, *after, MORE_PROMPT]
    }
    urgent = max((i + 1 for i, name in enumerate(blocks) if name in safety), default=1)
    for count in range(len(blocks), urgent, -1):
        prompt: List[str] = [MORE_PROMPT] if count < len(blocks) else []
        turn = [*before, *blocks[:count], *prompt, *after]
        if texts_needed([length[name] for name in turn]) <= TURN_TEXTS:
            return count
    return min(urgent, len(blocks))


def page(
    blocks: Sequence[str],
    domain: Mapping[str, Any],
    slots: Mapping[str, Any],
    before: Sequence[str] = (),
    after: Sequence[str] = (),
    safety: Collection[str] = (),
) -> List[str]:
    """The responses to send now: the blocks that fit, then the MORE prompt if some are left."""
    count = page_size(blocks, domain, slots, before, after, safety)
    return [*blocks[:count], *([MORE_PROMPT] if count < len(blocks) else [])]
