"""Callback requests in whole conversations: real servers, a real (temporary) database."""

import uuid
from pathlib import Path
from typing import Any, Dict, List

import pytest
import yaml

from storage import callbacks as store
from tests.support.content import says, slot_defaults

PHONE = slot_defaults()["admissions_phone"]
NAME = "Quintessa"
SAFETY_SET = Path(__file__).parents[1] / "safety" / "emergencies.yml"
# 40 messages spread over the held-out safety set, asked where the request takes free text.
ALL_EMERGENCIES = yaml.safe_load(SAFETY_SET.read_text())["emergencies"]
EMERGENCIES = ALL_EMERGENCIES[:: max(1, len(ALL_EMERGENCIES) // 40)]


class Person:
    def __init__(self, assistant: Any) -> None:
        self.assistant = assistant
        self.sender = f"test-{uuid.uuid4().hex[:12]}"

    def says(self, text: str) -> str:
        return self.assistant.texts(self.sender, text)

    def requests(self) -> List[Dict[str, Any]]:
        found = store.find(self.assistant.database_url)
        return [r for r in found if r["conversation_id"] == self.sender]


def full_screening(person: Person) -> str:
    """A screening with opioids and benzos; returns the last reply (the hand-off)."""
    for text in ("hi", "yes", "yeah", "my legs mostly", "when im falling asleep", "like 2 weeks"):
        person.says(text)
    # ... opioids: yes, percs, not prescribed, dose changed; benzos: xanax, not prescribed,
    # taken on the same day as opioids: yes.
    for text in ("yes", "percs", "no", "yes i ran out last week", "yes xanax", "no", "yes"):
        person.says(text)
    person.says("yea sometimes")
    return person.says("no")


def test_after_the_explanation_a_callback_is_offered_and_stored(assistant: Any) -> None:
    person = Person(assistant)
    reply = full_screening(person)
    assert says(reply, "utter_explain_intro")
    assert PHONE in reply
    assert says(reply, "utter_offer_callback")

    assert says(person.says("yes please"), "utter_ask_callback_consent")
    assert says(person.says("yes"), "utter_ask_callback_name")
    assert person.requests() == []  # nothing before the end
    assert says(person.says(NAME), "utter_ask_callback_phone")
    assert says(person.says("617-555-0123"), "utter_ask_callback_time")
    reply = person.says("after 5pm")
    assert says(reply, "utter_callback_received")

    [request] = person.requests()
    assert request["first_name"] == NAME
    assert request["phone"] == "+16175550123"
    assert request["best_time"] == "after 5pm"
    assert request["channel"] == "rest"
    assert request["emergency_answer_shown"] is False
    summary = request["summary"]
    assert summary["twitching"]["where"] == ["legs"]
    assert summary["twitching"]["when"] == ["falling_asleep"]
    assert summary["opioids"]["names"] == ["oxycodone"]
    assert summary["opioids"]["as_said"] == ["percs"]
    assert summary["benzodiazepines"]["names"] == ["alprazolam"]
    assert summary["opioids_and_benzodiazepines_together"] == "yes"
    assert summary["screening_finished"] is True

    # Privacy: the servers' logs (the action server runs the project's code).
    servers = assistant.servers
    logs = "\n".join(s.log_path.read_text(errors="replace") for s in (servers.action, servers.rasa))
    assert f"Callback request #{request['id']} stored" in logs
    for private in (NAME, "6175550123", "617-555-0123", "percs", "like 2 weeks", "after 5pm"):
        assert private not in logs, private


def test_no_consent_stores_nothing_and_gives_the_number(assistant: Any) -> None:
    person = Person(assistant)
    person.says("hi")
    assert says(person.says("can someone call me back"), "utter_ask_callback_consent")
    reply = person.says("no")
    assert says(reply, "utter_callback_not_stored")
    assert PHONE in reply
    assert person.requests() == []


def test_a_bad_number_twice_offers_the_admissions_line(assistant: Any) -> None:
    person = Person(assistant)
    person.says("hello")
    person.says("call me back")
    person.says("yes")
    person.says("JD")
    assert says(person.says("12"), "utter_help_callback_phone")
    reply = person.says("555-1234")
    assert says(reply, "utter_callback_no_number")
    assert PHONE in reply
    assert not says(reply, "utter_ask_callback_time")
    assert person.requests() == []


def test_a_callback_in_the_middle_of_the_screening_keeps_the_answers(assistant: Any) -> None:
    person = Person(assistant)
    person.says("hi")
    person.says("yes")
    assert says(person.says("yes"), "utter_ask_twitch_location")
    person.says("my arms")
    assert says(person.says("can someone call me back"), "utter_ask_callback_consent")
    person.says("yes")
    person.says("prefer not to say")
    person.says("(617) 555-0199")
    assert says(person.says("mornings"), "utter_callback_received")
    [request] = person.requests()
    assert request["first_name"] == "prefer not to say"
    assert request["phone"] == "+16175550199"
    assert request["summary"]["twitching"]["where"] == ["arms"]
    assert request["summary"]["opioids"]["uses"] == "not asked"
    assert request["summary"]["screening_finished"] is False
    # The screening can go on where it stopped.
    assert says(person.says("lets continue"), "utter_ask_twitch_timing")


def test_an_emergency_inside_the_callback_request_comes_first(assistant: Any) -> None:
    person = Person(assistant)
    person.says("hi")
    person.says("call me back")
    person.says("yes")
    reply = person.says("i took too many pills and cant breathe")
    assert says(reply, "utter_emergency_overdose_self")
    assert not says(reply, "utter_ask_callback_phone")
    # The marker for admissions is set, and a later request carries it.
    person.says("call me back")
    for text in ("yes", "Al", "617-555-0123", "any time"):
        person.says(text)
    [request] = person.requests()
    assert request["emergency_answer_shown"] is True


@pytest.mark.parametrize("item", EMERGENCIES, ids=lambda item: item["text"][:40])
def test_emergencies_are_answered_first_at_the_name_question(
    assistant: Any, item: Dict[str, str]
) -> None:
    person = Person(assistant)
    person.says("call me back")
    assert says(person.says("yes"), "utter_ask_callback_name")
    reply = assistant.say(person.sender, item["text"])
    assert says(reply[0]["text"], f"utter_emergency_{item['kind']}")
    assert person.requests() == []


def test_asking_for_admissions_offers_the_number_and_a_callback(assistant: Any) -> None:
    person = Person(assistant)
    person.says("hi")
    reply = person.says("whats the number for admissions")
    assert PHONE in reply
    assert says(reply, "utter_offer_callback")


def test_details_given_with_the_request_are_not_asked_again(assistant: Any) -> None:
    person = Person(assistant)
    person.says("hi")
    person.says("no, just the number")
    reply = person.says("yes, call me back please. I'm Linda, 703-555-0199, any time today")
    assert says(reply, "utter_ask_callback_consent")
    reply = person.says("yes")
    assert says(reply, "utter_callback_received")
    [request] = person.requests()
    assert (request["first_name"], request["phone"], request["best_time"]) == (
        "Linda",
        "+17035550199",
        "any time today",
    )


def test_the_rest_of_the_details_after_the_name_are_kept(assistant: Any) -> None:
    person = Person(assistant)
    person.says("hi")
    assert says(person.says("whats the number for admissions"), "utter_offer_callback")
    person.says("yes")
    assert says(person.says("yes"), "utter_ask_callback_name")
    assert says(person.says("Tom, 571 555 0143, evenings"), "utter_callback_received")
    [request] = person.requests()
    assert (request["first_name"], request["phone"], request["best_time"]) == (
        "Tom",
        "+15715550143",
        "evenings",
    )


def test_details_said_in_the_first_message_are_kept_for_a_later_request(assistant: Any) -> None:
    person = Person(assistant)
    person.says(
        "im jerking awake every night n i take suboxone. name is Chris call me at 2125550147 after 6pm"
    )
    person.says("no, just the number")
    assert says(person.says("i wanted a call back"), "utter_ask_callback_consent")
    assert says(person.says("yes"), "utter_callback_received")
    [request] = person.requests()
    assert (request["first_name"], request["phone"], request["best_time"]) == (
        "Chris",
        "+12125550147",
        "after 6pm",
    )


def test_a_saved_request_can_be_cancelled_and_nothing_says_otherwise(assistant: Any) -> None:
    person = Person(assistant)
    person.says("can someone from admissions call me back")
    person.says("yes")
    person.says(NAME)
    person.says("617-555-0123")
    assert says(person.says("tomorrow morning please"), "utter_callback_received")
    [request] = person.requests()
    assert request["best_time"] == "tomorrow morning"

    reply = person.says("actually please cancel the callback, dont call me")
    assert says(reply, "utter_callback_cancelled")
    assert person.requests() == []


def test_a_saved_request_is_fixed_not_doubled(assistant: Any) -> None:
    person = Person(assistant)
    person.says("can someone from admissions call me back")
    person.says("yes")
    person.says(NAME)
    person.says("617-555-0123")
    assert says(person.says("tomorrow morning"), "utter_callback_received")
    # A new time: consent, name and number stand.
    reply = person.says("wait actually can they call at 5pm instead")
    assert says(reply, "utter_callback_received")
    assert not says(reply, "utter_ask_callback_consent")
    [request] = person.requests()
    assert (request["phone"], request["best_time"]) == ("+16175550123", "5pm")
    # A wrong number is asked again.
    assert says(person.says("sorry wrong number, call me back"), "utter_ask_callback_phone")
    assert says(person.says("617-555-0188"), "utter_callback_received")
    [request] = person.requests()
    assert (request["phone"], request["best_time"]) == ("+16175550188", "5pm")


def test_dont_call_in_the_middle_of_the_request_stores_nothing(assistant: Any) -> None:
    person = Person(assistant)
    person.says("can someone from admissions call me back")
    person.says("yes")
    person.says(NAME)
    reply = person.says("wait no, don't call, my brother might hear. i'll call you instead")
    assert says(reply, "utter_callback_not_stored")
    assert PHONE in reply
    assert person.requests() == []
