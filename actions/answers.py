"""Turns what a person typed into screening answers.

Pure functions over the NLU result (intent name, entities, text), so they
are easy to test and shared by every question.
"""

import re
from typing import Any, Collection, Dict, List, Optional, Sequence

YES = "yes"
NO = "no"
NOT_SURE = "not sure"
SKIPPED = "skipped"
UNCLEAR = "unclear"

ANSWER_BY_INTENT = {"affirm": YES, "deny": NO, "unsure": NOT_SURE, "skip": SKIPPED}
CANONICAL_ANSWERS = {YES, NO, NOT_SURE, SKIPPED, UNCLEAR}

TWITCH_WORDS = re.compile(r"twitch|jerk|jump|spasm|shak|kick|tic|flinch|jolt", re.I)
TIME_WORDS = re.compile(
    r"\d|day|week|month|year|yr|hour|since|ago|while|long|forever|always|"
    r"yesterday|today|recent|lately|started|began|night",
    re.I,
)
# "yes, I ran out last week" is a yes even when the model reads it as inform.
LEADING_YES = re.compile(
    r"^\W*(yes|yeah|yea|yep|yup|ya(?!\s+no\b)|y|sure|ok|okay|okey|k|si|s[ií]|claro|dale|"
    r"sale|simon|[aá]ndale|[oó]rale|bueno|va)\b",
    re.I,
)
LEADING_NO = re.compile(r"^\W*(no|nope|nah|never|n)\b", re.I)
MAX_FREE_TEXT = 80
# A question back: asked with "?" or worded as one ("is it bad mixing them").
QUESTION_START = re.compile(
    r"^\W*(what|whats|why|how|is|isnt|are|can|could|should|shud|will|would|wont|do|does|"
    r"did|who|where|am i|was|were)\b",
    re.I,
)

Entities = Sequence[Dict[str, Any]]


def is_question(text: Any) -> bool:
    """Whether the message asks something, with or without a question mark
    ("hospital? yes or no" asks too)."""
    text = str(text or "").strip()
    return "?" in text or bool(QUESTION_START.match(text))


def entity_values(entities: Entities, *types: str) -> List[str]:
    """Canonical values of the entities of the given types, in order, once each."""
    values: List[str] = []
    for entity in entities:
        value = entity.get("value")
        if entity.get("entity") in types and isinstance(value, str):
            if value not in values:
                values.append(value)
    return values


def yes_no(value: Any, intent: Optional[str]) -> Optional[str]:
    """A yes/no/not sure/skipped answer, or None when the message is not one."""
    if value in CANONICAL_ANSWERS:
        return str(value)
    if intent in ANSWER_BY_INTENT:
        return ANSWER_BY_INTENT[intent]
    text = str(value or "")
    if LEADING_NO.match(text):
        return NO
    if LEADING_YES.match(text):
        return YES
    return None


def twitching_answer(value: Any, intent: Optional[str], entities: Entities) -> Optional[str]:
    """Whether they have twitching; describing it counts as a yes."""
    answer = yes_no(value, intent)
    if answer:
        return answer
    described = entity_values(entities, "body_part", "twitch_timing", "duration")
    if described or (intent == "inform" and TWITCH_WORDS.search(str(value))):
        return YES
    return None


def use_answer(
    value: Any, intent: Optional[str], entities: Entities, entity_type: str
) -> Optional[str]:
    """Whether they use a class of substance; naming one counts as a yes."""
    answer = yes_no(value, intent)
    if answer != NO and entity_values(entities, entity_type):
        return YES
    return answer


def list_answer(
    value: Any,
    intent: Optional[str],
    entities: Entities,
    entity_type: str,
    known: Collection[str],
) -> Optional[List[str]]:
    """Canonical values for a question with several possible answers.

    `known` holds the canonical values of `entity_type`, so that values
    mapped from an earlier message are kept and raw text is not.
    """
    if isinstance(value, list) and value and all(v in known for v in value):
        return [str(v) for v in value]
    found = entity_values(entities, entity_type) if intent != "deny" else []
    if found:
        return found
    answer = yes_no(value[-1] if isinstance(value, list) and value else value, intent)
    if answer in (NOT_SURE, SKIPPED, NO):
        return [answer]
    return None


def duration_answer(value: Any, intent: Optional[str], entities: Entities) -> Optional[str]:
    """How long the twitching has gone on, kept in the person's own words."""
    found = entity_values(entities, "duration")
    if found:
        return found[0]
    answer = yes_no(value, intent)
    if answer in (NOT_SURE, SKIPPED):
        return answer
    text = str(value or "").strip()
    if text and intent != "deny" and TIME_WORDS.search(text):
        return text[:MAX_FREE_TEXT]
    return None
