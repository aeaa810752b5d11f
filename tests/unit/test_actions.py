"""Which screening questions are asked, and the explanation (the answers: test_screening_form.py)."""

from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import own_words
from actions.answers import NO, NOT_SURE, YES
from actions.explanation import (
    BLOCKS,
    EXPLAINED,
    HAND_OFF,
    NOTHING_MORE,
    SAFETY,
    ActionExplainScreening,
    explanation_blocks,
    sms_explanation_blocks,
)
from actions.questions import not_asked, screening_questions
from actions.screening_form import ValidateScreeningForm
from actions.sms_pages import MORE_PROMPT
from storage.names import SMS_CHANNEL
from tests.support.content import domain

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = domain()
FORM_SLOTS: List[str] = DOMAIN["forms"]["screening_form"]["required_slots"]


def entity(kind: str, value: str) -> Dict[str, Any]:
    return {"entity": kind, "value": value}


def tracker_after(
    text: str,
    intent: str,
    entities: Optional[List[Dict[str, Any]]] = None,
    slots: Optional[Dict[str, Any]] = None,
    candidates: Optional[Dict[str, Any]] = None,
) -> Tracker:
    """A tracker as the form sees it: slot candidates set after the message."""
    all_slots = {name: None for name in DOMAIN["slots"]}
    all_slots.update(slots or {})
    all_slots.update(candidates or {})
    events: List[Dict[str, Any]] = [
        {"event": "user", "text": text, "parse_data": {"intent": {"name": intent}}}
    ]
    events += [{"event": "slot", "name": k, "value": v} for k, v in (candidates or {}).items()]
    return Tracker(
        sender_id="test",
        slots=all_slots,
        latest_message={"text": text, "intent": {"name": intent}, "entities": entities or []},
        events=events,
        paused=False,
        followup_action=None,
        active_loop={"name": "screening_form"},
        latest_action_name="action_listen",
    )


async def validate(tracker: Tracker) -> tuple[Dict[str, Any], List[Optional[str]]]:
    """Runs the real validation action; returns the slots it set and what it said."""
    dispatcher = CollectingDispatcher()
    events = await ValidateScreeningForm().run(dispatcher, tracker, DOMAIN)
    slots = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    return slots, [m.get("response") for m in dispatcher.messages]


# --- Which questions are asked -------------------------------------------


def test_a_no_to_everything_asks_only_the_four_main_questions() -> None:
    answers = {"twitching": NO, "opioid_use": NO, "benzo_use": NO, "alcohol_heavy": NO}
    assert screening_questions(answers) == ["twitching", "opioid_use", "benzo_use", "alcohol_heavy"]


def test_a_yes_to_everything_asks_every_question_in_the_domain_order() -> None:
    answers = {"twitching": YES, "opioid_use": YES, "benzo_use": YES, "alcohol_heavy": YES}
    assert screening_questions(answers) == FORM_SLOTS


def test_benzo_follow_ups_depend_on_opioids_and_twitching() -> None:
    questions = screening_questions({"twitching": NO, "opioid_use": NO, "benzo_use": YES})
    assert "benzo_names" in questions
    assert "benzo_with_opioids" not in questions
    assert "benzo_for_twitching" not in questions


def test_not_sure_about_drinking_still_asks_about_stopping() -> None:
    assert "alcohol_stopped" in screening_questions({"alcohol_heavy": NOT_SURE})


def test_answers_to_questions_not_asked_are_listed_for_clearing() -> None:
    answers = {
        "twitching": NO,
        "twitch_location": ["legs"],
        "alcohol_heavy": NO,
        "alcohol_stopped": YES,
    }
    assert not_asked(answers) == ["twitch_location", "alcohol_stopped"]


# --- The explanation (the 50 answer combinations: test_explanation.py) ----


def test_every_explanation_block_is_a_response_in_the_content() -> None:
    responses = domain()["responses"]
    names = [block.name for block in BLOCKS] + [MORE_PROMPT, NOTHING_MORE, *HAND_OFF]
    assert [name for name in names if name not in responses] == []


def test_opioids_with_benzos_get_the_breathing_warning() -> None:
    blocks = explanation_blocks({"opioid_use": YES, "benzo_use": YES})
    assert "utter_explain_mixing" in blocks
    assert "utter_explain_stopping_benzos" in blocks


def test_no_substances_gets_no_substance_warnings() -> None:
    blocks = explanation_blocks(
        {"twitching": YES, "opioid_use": NO, "benzo_use": NO, "alcohol_heavy": NO}
    )
    assert blocks == [
        "utter_explain_intro",
        "utter_explain_when_to_get_care",
        "utter_explain_myoclonus",
        "utter_explain_no_substances",
        "utter_explain_hope",
        "utter_explain_closing",
    ]


def test_heavy_drinking_gets_the_stopping_suddenly_warning() -> None:
    assert "utter_explain_stopping_drinking" in explanation_blocks({"alcohol_heavy": YES})


def test_the_dangers_come_before_the_background() -> None:
    blocks = explanation_blocks(
        {"twitching": YES, "twitch_timing": ["at_rest"], "opioid_use": YES,
         "opioid_names": ["heroin"], "opioid_prescribed": NO, "opioid_dose_change": "restarted"}
    )  # fmt: skip
    safety = [i for i, name in enumerate(blocks) if name in SAFETY]
    background = [i for i, name in enumerate(blocks[1:-1], 1) if name not in SAFETY]
    assert safety and background and max(safety) < min(background)
    assert blocks[1] == "utter_explain_lost_tolerance"


def test_own_words_count_and_negations_do_not() -> None:
    drinks = {"alcohol_heavy": YES}
    assert "utter_explain_pregnancy" in explanation_blocks(drinks, ["im pregnant"])
    assert "utter_explain_pregnancy" not in explanation_blocks(drinks, ["im not pregnant"])
    # Pregnant, and no substance use: nothing about stopping them.
    assert "utter_explain_pregnancy" not in explanation_blocks({}, ["im pregnant"])
    assert own_words.cues(["got out of jail monday", "kicking all night"]) == {
        "break",
        "withdrawal",
    }


@pytest.mark.parametrize(
    "said, cue",
    [
        ("ando malilla desde ayer", "dopesick"),
        ("mi hijo acaba de salir del bote", "break"),
        ("estuvo en la cárcel 2 años", "break"),
        ("estoy embarazada de 3 meses", "pregnant"),
        ("compra pastillas azules en la calle", "pressed_pills"),
        ("lo dejó de golpe", "withdrawal"),
    ],
)
def test_spanish_own_words_count(said: str, cue: str) -> None:
    assert cue in own_words.cues([said])


def test_a_spanish_negation_does_not_count() -> None:
    assert own_words.cues(["no estoy embarazada"]) == frozenset()


def chat_tracker(events: List[Dict[str, Any]], slots: Dict[str, Any]) -> Tracker:
    values = {name: slot.get("initial_value") for name, slot in DOMAIN["slots"].items()}
    values.update(slots)
    latest = events[-1]
    return Tracker(
        sender_id="test",
        slots=values,
        latest_message={"text": latest["text"], "intent": latest["parse_data"]["intent"]},
        events=events,
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


def sms_user(text: str, intent: str, channel: str = SMS_CHANNEL) -> Dict[str, Any]:
    return {
        "event": "user",
        "text": text,
        "parse_data": {"intent": {"name": intent}},
        "input_channel": channel,
    }


async def test_the_explanation_action_sends_the_chosen_blocks() -> None:
    tracker = tracker_after(
        "no", "deny", slots={"twitching": YES, "opioid_use": YES, "benzo_use": NO}
    )
    dispatcher = CollectingDispatcher()
    events = await ActionExplainScreening().run(dispatcher, tracker, DOMAIN)
    sent = [m["response"] for m in dispatcher.messages]
    assert sent == explanation_blocks(tracker.slots)
    assert "utter_explain_opioid_twitching" in sent
    assert events == [{"event": "slot", "timestamp": None, "name": EXPLAINED, "value": True}]


async def test_by_sms_the_most_urgent_first_then_more_on_more_until_nothing_is_left() -> None:
    slots = {"opioid_use": YES, "opioid_names": ["fentanyl"], "opioid_prescribed": NO,
             "opioid_dose_change": "restarted", "benzo_use": YES, "benzo_prescribed": NO,
             "benzo_with_opioids": YES, "alcohol_heavy": YES, "alcohol_stopped": YES}  # fmt: skip
    owed = sms_explanation_blocks(slots)
    events = [sms_user("no", "deny")]
    sent: List[str] = []
    for _ in range(len(owed) + 1):
        dispatcher = CollectingDispatcher()
        await ActionExplainScreening().run(dispatcher, chat_tracker(events, slots), DOMAIN)
        names = [str(m["response"]) for m in dispatcher.messages]
        events += [{"event": "action", "name": "action_explain_screening"}]
        events += [{"event": "bot", "metadata": {"utter_action": name}} for name in names]
        if names == [NOTHING_MORE]:
            break
        assert names[-1] == MORE_PROMPT or names[-1] == owed[-1]
        sent += [name for name in names if name != MORE_PROMPT]
        events.append(sms_user("MORE", "more"))
    assert sent == owed
    # Stopped heavy drinking: alcohol withdrawal first (seizures in the first 2 days), then tolerance.
    assert owed[0] == "utter_explain_alcohol_withdrawal"
    assert owed.index("utter_explain_lost_tolerance") < owed.index("utter_explain_street_drugs")


async def test_more_on_the_web_after_the_explanation_has_nothing_left_to_say() -> None:
    slots = {"twitching": YES, "opioid_use": NO}
    given = explanation_blocks(slots)
    events = [
        sms_user("no", "deny", "rest"),
        {"event": "action", "name": "action_explain_screening"},
    ]
    events += [{"event": "bot", "metadata": {"utter_action": name}} for name in given]
    events.append(sms_user("more", "more", "rest"))
    dispatcher = CollectingDispatcher()
    assert await ActionExplainScreening().run(dispatcher, chat_tracker(events, slots), DOMAIN) == []
    assert [m["response"] for m in dispatcher.messages] == [NOTHING_MORE]
