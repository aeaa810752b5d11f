"""Screening answers read from what people type, one parser per question.

    parse_answer("twitch_location", "not my legs, my arms", entities, "inform")
    -> ["arms"]

The phrases and token patterns are data, in data/answers/*.yml; the values
each question gives are listed at the top of those files. Every question
also takes "not sure" and "skipped" (["not sure"], ["skipped"] for those
answered with a list). None means the message does not answer the question
(a question back, a request, something else): the parsers never guess.

The text decides first; the NLU intent (affirm, deny, unsure, skip) is used
only when the text gives no answer of its own. An "I don't know" is never a
no: "idk, he never says" is not sure.
"""

from __future__ import annotations

from functools import partial
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple, Union

from actions.parsers import alcohol, common, substances, twitching
from actions.parsers.message import Message
from actions.parsers.vocabulary import vocabulary as compiled_vocabulary

Answer = Union[str, List[str]]
Parser = Callable[[Message], Optional[Answer]]

PARSERS: Dict[str, Parser] = {
    "twitching": twitching.twitching,
    "twitch_location": twitching.twitch_location,
    "twitch_timing": twitching.twitch_timing,
    "twitch_duration": twitching.twitch_duration,
    "opioid_use": partial(substances.substance_use, entity_type="opioid"),
    "opioid_names": partial(substances.substance_names, entity_type="opioid"),
    "opioid_prescribed": substances.prescribed,
    "opioid_dose_change": substances.dose_change,
    "benzo_use": partial(substances.substance_use, entity_type="benzodiazepine"),
    "benzo_names": partial(substances.substance_names, entity_type="benzodiazepine"),
    "benzo_prescribed": substances.prescribed,
    "benzo_with_opioids": substances.with_opioids,
    "benzo_for_twitching": substances.for_twitching,
    "alcohol_heavy": alcohol.alcohol_heavy,
    "alcohol_stopped": alcohol.alcohol_stopped,
    # "Would you like to answer a few short questions?"
    "start": common.start,
}


def parse_answer(
    question: str,
    text: str,
    entities: Sequence[Mapping[str, Any]],
    intent: Optional[str],
) -> Optional[Answer]:
    """The answer to `question` in a message, or None if it does not answer it."""
    parser = PARSERS.get(question)
    if parser is None:
        raise ValueError(f"no answer parser for question {question!r}")
    msg = Message(text or "", entities, intent)
    answer = parser(msg)
    if answer in (common.NO, [common.NO]) and common.dont_know(msg):
        return [common.NOT_SURE] if isinstance(answer, list) else common.NOT_SURE
    return answer


# An answer that says more answers a follow-up question too ("bars" names the
# benzo, "stopped lately" the dose change, "it went up from 50 to 100"), which
# is then not asked. Only the words count, never a plain yes.
Told = Callable[[Any], bool]
NOT_NAMES = {common.NO, common.NOT_SURE, common.SKIPPED}
DOSE_CHANGES = {"up", "down", "stopped", "restarted"}


def names_given(answer: Any) -> bool:
    """Names read from an answer: a list, and no bare no, not sure or skip."""
    return isinstance(answer, list) and not set(answer) & NOT_NAMES


_DOSE = ("opioid_dose_change", substances.dose_change, DOSE_CHANGES.__contains__)
_PRESCRIBED = {common.YES, common.NO, "some"}.__contains__
_OPIOID_PRESCRIBED = ("opioid_prescribed", substances.prescription_said, _PRESCRIBED)
_BENZO_PRESCRIBED = ("benzo_prescribed", substances.prescription_said, _PRESCRIBED)
_DETAIL = (common.NOT_SURE, common.SKIPPED, common.NO)
_WHERE = ("twitch_location", PARSERS["twitch_location"], names_given)
_WHEN = ("twitch_timing", PARSERS["twitch_timing"], names_given)
_HOW_LONG = ("twitch_duration", PARSERS["twitch_duration"], lambda a: a not in _DETAIL)
FOLLOW_UPS: Dict[str, List[Tuple[str, Parser, Told]]] = {
    # "yes my eyelid, for about three weeks", "todo el tiempo desde ayer"
    "twitching": [_WHERE, _WHEN, _HOW_LONG],
    "twitch_location": [_WHEN, _HOW_LONG],
    "twitch_timing": [_HOW_LONG],
    "opioid_use": [
        ("opioid_names", PARSERS["opioid_names"], names_given),
        _OPIOID_PRESCRIBED,
        _DOSE,
    ],
    "opioid_names": [_OPIOID_PRESCRIBED, _DOSE],
    "opioid_prescribed": [_DOSE],
    "benzo_use": [("benzo_names", PARSERS["benzo_names"], names_given), _BENZO_PRESCRIBED],
    "benzo_names": [_BENZO_PRESCRIBED],
    "alcohol_heavy": [("alcohol_stopped", alcohol.stopping_said, lambda a: a == common.YES)],
}


def follow_up_answers(
    question: str, text: str, entities: Sequence[Mapping[str, Any]]
) -> Dict[str, Answer]:
    """The follow-up questions' answers given with this one: {question: answer}."""
    told: Dict[str, Answer] = {}
    for follow_up, parser, counts in FOLLOW_UPS.get(question, []):
        answer = parser(Message(text or "", entities, None))
        if answer is not None and counts(answer):
            told[follow_up] = answer
    return told


def preload() -> None:
    """Builds the vocabulary now rather than at the first answer (a second or two).

    For the action server's start-up; importing this package builds nothing.
    """
    compiled_vocabulary()
