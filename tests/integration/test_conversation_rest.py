"""Whole conversations over the real REST channel, with the real action server."""

import uuid
from typing import Any, List

from actions.explanation import explanation_blocks
from tests.support.content import says, slot_defaults

PHONE = slot_defaults()["admissions_phone"]


class Person:
    """One person chatting: a fresh conversation id and their replies."""

    def __init__(self, assistant: Any) -> None:
        self.assistant = assistant
        self.sender = f"test-{uuid.uuid4().hex[:12]}"

    def says(self, text: str) -> str:
        return self.assistant.texts(self.sender, text)

    def slot(self, name: str) -> Any:
        return self.assistant.tracker(self.sender)["slots"][name]

    def answers(self, *messages: str) -> List[str]:
        return [self.says(m) for m in messages]


def test_the_opening_says_what_this_is_and_where_to_get_emergency_help(assistant: Any) -> None:
    reply = Person(assistant).says("hi")
    assert says(reply, "utter_opening")
    for fact in ("automated", "not medical advice", "911", "988"):
        assert fact in reply.replace("can't give medical advice", "not medical advice")
    assert says(reply, "utter_ask_start")


def test_no_to_the_opening_gives_the_admissions_line(assistant: Any) -> None:
    person = Person(assistant)
    person.says("hello")
    reply = person.says("no")
    assert PHONE in reply
    assert "24 hours" in reply
    assert "free and confidential" not in reply  # the site must confirm such claims


def test_a_full_screening_ends_with_the_explanation_and_the_phone_number(assistant: Any) -> None:
    person = Person(assistant)
    person.says("hi")
    assert says(person.says("yes"), "utter_ask_twitching")
    assert says(person.says("yeah"), "utter_ask_twitch_location")
    assert says(person.says("my legs mostly"), "utter_ask_twitch_timing")
    assert says(person.says("when im falling asleep"), "utter_ask_twitch_duration")
    assert says(person.says("like 2 weeks"), "utter_ask_opioid_use")
    assert says(person.says("yes"), "utter_ask_opioid_names")
    assert says(person.says("percs"), "utter_ask_opioid_prescribed")
    assert says(person.says("no"), "utter_ask_opioid_dose_change")
    assert says(person.says("yes i ran out last week"), "utter_ask_benzo_use")
    assert says(person.says("yes xanax"), "utter_ask_benzo_prescribed")
    assert says(person.says("no"), "utter_ask_benzo_with_opioids")
    assert says(person.says("yes"), "utter_ask_benzo_for_twitching")
    assert says(person.says("yea sometimes"), "utter_ask_alcohol_heavy")
    reply = person.says("no")
    assert not says(reply, "utter_ask_alcohol_stopped")
    assert says(reply, "utter_explain_intro")
    assert PHONE in reply
    slots = assistant.tracker(person.sender)["slots"]
    assert slots["twitch_location"] == ["legs"]
    assert slots["twitch_timing"] == ["falling_asleep"]
    assert slots["opioid_names"] == ["oxycodone"]
    assert slots["benzo_names"] == ["alprazolam"]
    assert slots["alcohol_heavy"] == "no"


def test_the_last_answer_brings_the_chosen_explanation_and_hand_off(assistant: Any) -> None:
    person = Person(assistant)
    person.answers("hi", "yes", "yes", "arms", "all the time", "about a month")
    person.answers("yes", "oxycontin", "yes", "no", "yes", "klonopin", "yes", "yes", "no")
    reply = person.says("nope")
    chosen = explanation_blocks(assistant.tracker(person.sender)["slots"])
    # Opioids with benzos, both prescribed: the breathing danger, and not stopping benzos suddenly.
    assert {"utter_explain_mixing_prescribed", "utter_explain_stopping_benzos"} <= set(chosen)
    assert "utter_explain_sleep_starts" not in chosen  # all the time, not only falling asleep
    for block in chosen:
        assert says(reply, block), block
    assert PHONE in reply


def test_no_to_everything_asks_four_questions(assistant: Any) -> None:
    person = Person(assistant)
    person.answers("hey", "ok")
    assert says(person.says("no"), "utter_ask_opioid_use")
    assert says(person.says("nope, no pills"), "utter_ask_benzo_use")
    assert says(person.says("never touched benzos"), "utter_ask_alcohol_heavy")
    reply = person.says("i dont drink")
    assert says(reply, "utter_explain_intro")
    assert not says(reply, "utter_explain_opioid_twitching")
    assert PHONE in reply
    assert person.slot("benzo_use") == "no"


def test_information_given_early_is_not_asked_again(assistant: Any) -> None:
    person = Person(assistant)
    reply = person.says("my legs jerk at night since i started oxy")
    assert says(reply, "utter_opening")
    # Where, when and which opioid were in the first message; how long was not.
    assert says(person.says("yes"), "utter_ask_twitch_duration")
    assert person.slot("twitching") == "yes"
    assert person.slot("twitch_location") == ["legs"]
    assert person.slot("opioid_use") == "yes"
    assert person.slot("opioid_names") == ["oxycodone"]
    assert says(person.says("about a month"), "utter_ask_opioid_prescribed")


def test_a_detail_not_given_early_is_still_asked(assistant: Any) -> None:
    person = Person(assistant)
    person.says("my arms keep twitching and i take percs")
    assert says(person.says("yes"), "utter_ask_twitch_timing")
    assert says(person.says("all the time"), "utter_ask_twitch_duration")
    assert says(person.says("3 weeks"), "utter_ask_opioid_prescribed")
    assert person.slot("opioid_names") == ["oxycodone"]


def test_not_sure_and_skip_are_accepted(assistant: Any) -> None:
    person = Person(assistant)
    person.answers("hi", "yes")
    assert says(person.says("not sure"), "utter_ask_opioid_use")
    assert says(person.says("skip"), "utter_ask_benzo_use")
    assert person.slot("twitching") == "not sure"
    assert person.slot("opioid_use") == "skipped"


def test_an_unclear_answer_is_asked_again_once_then_the_screening_moves_on(assistant: Any) -> None:
    person = Person(assistant)
    person.answers("hi", "yes", "yes")
    reply = person.says("purple elephant")
    assert says(reply, "utter_help_twitch_location")
    assert says(reply, "utter_ask_twitch_location")
    reply = person.says("purple elephant again")
    assert says(reply, "utter_ask_twitch_timing")
    assert person.slot("twitch_location") == ["unclear"]


def test_questions_in_the_middle_are_answered_and_the_same_question_comes_back(
    assistant: Any,
) -> None:
    person = Person(assistant)
    person.answers("hi", "yes", "no")
    reply = person.says("why do you ask?")
    assert says(reply, "utter_why_ask") and says(reply, "utter_ask_opioid_use")
    # Asked twice already: the next question back is answered, and the next
    # question comes instead of a third ask.
    reply = person.says("are you a bot?")
    assert says(reply, "utter_iamabot") and says(reply, "utter_ask_benzo_use")
    assert person.slot("opioid_use") == "unclear"
    reply = person.says("can i talk to a real person")
    assert says(reply, "utter_admissions_contact") and says(reply, "utter_ask_benzo_use")
    assert says(person.says("no"), "utter_ask_alcohol_heavy")


def test_an_answer_with_a_question_back_is_kept_and_both_are_answered(assistant: Any) -> None:
    person = Person(assistant)
    person.answers("hi", "yes", "yes", "my legs")
    reply = person.says("at night. is this confidential?")
    assert says(reply, "utter_data_kept") and says(reply, "utter_ask_twitch_duration")
    assert person.slot("twitch_timing") == ["falling_asleep"]
    reply = person.says("a few weeks. do you do suboxone?")
    assert says(reply, "utter_faq/treatments") and says(reply, "utter_ask_opioid_use")


def test_all_over_at_the_timing_question_starts_nothing_over(assistant: Any) -> None:
    person = Person(assistant)
    person.answers("hi", "yes", "yes my legs")
    reply = person.says("all over")
    assert says(reply, "utter_help_twitch_timing") and person.slot("twitching") == "yes"


def test_a_stopped_screening_resumes_where_it_left_off(assistant: Any) -> None:
    person = Person(assistant)
    person.answers("hi", "yes", "no", "no")
    reply = person.says("stop asking me questions")
    assert says(reply, "utter_screening_stopped")
    assert PHONE in reply
    assert says(person.says("ok lets continue"), "utter_ask_benzo_use")
    assert person.slot("opioid_use") == "no"


def test_restart_clears_the_answers(assistant: Any) -> None:
    person = Person(assistant)
    person.answers("hi", "yes", "no", "no")
    assert says(person.says("restart"), "utter_restart")
    assert person.slot("opioid_use") is None
    assert says(person.says("start the questions"), "utter_ask_twitching")


def test_goodbye_in_the_middle_leaves_the_phone_number(assistant: Any) -> None:
    person = Person(assistant)
    person.answers("hi", "yes")
    reply = person.says("ok bye")
    assert says(reply, "utter_goodbye")
    assert PHONE in reply


def test_buttons_carry_their_payload_as_rasa_reads_it(assistant: Any) -> None:
    person = Person(assistant)
    person.answers("hi", "yes")
    reply = assistant.say(person.sender, "yes")
    payloads = [b["payload"] for m in reply for b in m.get("buttons") or []]
    assert '/inform{"body_part": "legs"}' in payloads


def test_no_one_there_after_an_emergency_answer_gets_the_emergency_again(assistant: Any) -> None:
    person = Person(assistant)
    first = person.says("my friend took a bunch of pills and wont wake up")
    assert says(first, "utter_emergency_overdose")
    reply = person.says("nobody is here. its just me")
    assert says(reply, "utter_emergency_update") and not says(reply, "utter_help_arrived")


def test_a_danger_sign_after_an_emergency_answer_is_an_emergency_on_its_own(
    assistant: Any,
) -> None:
    alone = Person(assistant).says("im getting really sleepy")
    assert not says(alone, "utter_emergency_overdose_self")  # without an emergency, no alarm
    other = Person(assistant)
    first = other.says("i took a bunch of pills and my breathing feels slow")
    assert says(first, "utter_emergency_overdose_self")
    reply = other.says("im getting really sleepy")
    assert says(reply, "utter_emergency_update") and says(reply, "utter_emergency_calling")
    assert not says(reply, "utter_ask_twitching")
