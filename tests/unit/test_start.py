"""The answer to the opening question, read as meant (actions/start.py)."""

from typing import Any, Dict, List

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.start import ActionReadStart
from actions.subject import subject_of


def asked_start(times: int, text: str, intent: str = "nlu_fallback") -> Tracker:
    ask = {"event": "bot", "metadata": {"utter_action": "utter_ask_start"}}
    help_ = {"event": "bot", "metadata": {"utter_action": "utter_help_start"}}
    events: List[Dict[str, Any]] = [ask] + [help_, ask] * (times - 1)
    events.append({"event": "user", "text": text})
    message = {"text": text, "intent": {"name": intent}, "entities": []}
    return Tracker("test", {}, message, events, False, None, {}, "action_listen")


async def read(tracker: Tracker) -> tuple[List[str], List[Dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    events = await ActionReadStart().run(dispatcher, tracker, {})
    return [str(m.get("response")) for m in dispatcher.messages], events


@pytest.mark.parametrize("text", ["fine", "i guess", "y", "ok but ill skip some", "yes for years"])
async def test_a_yes_in_other_words_starts_the_screening(text: str) -> None:
    said, events = await read(asked_start(1, text))
    assert said == [] and events == [
        {"event": "followup", "name": "screening_form", "timestamp": None}
    ]


async def test_a_no_in_other_words_gives_the_number() -> None:
    said, _ = await read(asked_start(1, "just the number please"))
    assert said == ["utter_admissions_contact", "utter_start_later"]


async def test_an_unclear_answer_asks_once_more_then_gives_the_number() -> None:
    said, events = await read(asked_start(1, "purple monkey"))
    assert said == ["utter_help_start"] and events[0]["name"] == "utter_ask_start"
    said, events = await read(asked_start(2, "purple monkey"))
    assert said == ["utter_admissions_contact", "utter_start_later"] and events == []


@pytest.mark.parametrize(
    "text, expected",
    [
        ("hi my son keeps twitching at night", "he"),
        ("asking for my daughter", "she"),
        ("my husband drinks a lot", "he"),
        ("wife ran out of her xanax early and shes twitching", "she"),
        ("my friend takes percs", "they"),
        ("my wife says I twitch in my sleep", None),
        ("my mom said im jerking all night", None),
        ("i twitch at night", None),
        # Whose pills, not who it is about
        ("jerks when falling asleep. I take xanax for it, not mine its my roommates", None),
        ("i take my roommates xanax", None),
    ],
)
def test_who_the_screening_is_about(text: str, expected: str) -> None:
    assert subject_of(text) == expected


async def test_the_opening_question_is_not_asked_a_third_time_around_questions_back() -> None:
    from actions.start import ActionAskStartAgain

    def bot(name: str) -> Dict[str, Any]:
        return {"event": "bot", "metadata": {"utter_action": name}}

    async def said_after(events: List[Dict[str, Any]]) -> List[Any]:
        tracker = Tracker("t", {}, {"text": "yes i would"}, events, False, None, None, "x")
        dispatcher = CollectingDispatcher()
        await ActionAskStartAgain().run(dispatcher, tracker, {})
        return [m.get("response") for m in dispatcher.messages]

    once = [bot("utter_opening"), bot("utter_ask_start"), bot("utter_faq/what_is_this")]
    assert await said_after(once) == ["utter_ask_start"]
    twice = once + [bot("utter_ask_start"), bot("utter_faq/what_is_this")]
    assert await said_after(twice) == ["utter_admissions_contact", "utter_start_later"]


async def test_an_unclear_answer_after_two_asks_around_a_question_back_gives_the_number() -> None:
    faq = {"event": "bot", "metadata": {"utter_action": "utter_faq/judged"}}
    ask = {"event": "bot", "metadata": {"utter_action": "utter_ask_start"}}
    text = "gracias, voy a llamar al SAMHSA"
    events = [faq, ask, faq, ask, {"event": "user", "text": text}]
    message = {"text": text, "intent": {"name": "nlu_fallback"}, "entities": []}
    tracker = Tracker("t", {}, message, events, False, None, {}, "action_listen")
    said, events = await read(tracker)
    assert said == ["utter_admissions_contact", "utter_start_later"] and events == []


async def test_a_change_of_language_asks_the_opening_question_again() -> None:
    # "no entiendo ingles", then "español": once the number, with no question asked in Spanish.
    from actions.start import ActionAskStartAgain

    events = [
        {"event": "bot", "metadata": {"utter_action": name}}
        for name in ("utter_ask_start", "utter_faq/spanish", "utter_ask_start", "utter_faq/spanish")
    ]
    tracker = Tracker("t", {}, {"text": "espanol"}, events, False, None, None, "x")
    dispatcher = CollectingDispatcher()
    await ActionAskStartAgain().run(dispatcher, tracker, {})
    assert [m.get("response") for m in dispatcher.messages] == ["utter_ask_start"]
