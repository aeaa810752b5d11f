"""What the conversation adds to the next message's metadata (addons/patches/conversation_context.py)."""

from rasa.shared.core.events import BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from addons.patches.conversation_context import context


def test_the_last_turns_button_payloads_language_and_emergency_go_with_the_next_message() -> None:
    buttons = [{"title": "Menos o ya no", "payload": "stopped or cut back lately"}]
    tracker = DialogueStateTracker.from_events(
        "someone",
        [
            BotUttered("¿Usa opioides?", {"buttons": [{"title": "Sí", "payload": "/affirm"}]}),
            UserUttered("si"),
            SlotSet("language", "es"),
            SlotSet("emergency_answer_shown", True),
            BotUttered("¿Usa benzos?", {"buttons": buttons}),
        ],
    )
    assert context(tracker) == {
        "after_an_emergency": True,
        "conversation_language": "es",
        "offered_payloads": ["stopped or cut back lately"],  # not the earlier turn's
    }


def test_a_turn_without_buttons_offers_none() -> None:
    tracker = DialogueStateTracker.from_events("someone", [UserUttered("hi"), BotUttered("Hello")])
    assert context(tracker) == {}


def test_after_an_emergency_names_the_latest_one() -> None:
    tracker = DialogueStateTracker.from_events(
        "someone",
        [
            UserUttered("my friend took too much", intent={"name": "emergency_overdose"}),
            SlotSet("emergency_answer_shown", True),
            BotUttered("Call 911 now."),
            UserUttered("ok", intent={"name": "affirm"}),
        ],
    )
    assert context(tracker)["after_an_emergency"] == "emergency_overdose"


def test_a_stop_told_earlier_goes_with_every_later_message() -> None:
    told = UserUttered(
        "todo el tiempo desde ayer que deje la cheve",
        parse_data={"intent": {"name": "inform"}, "entities": [], "stop_told": True},
    )
    later = [BotUttered("¿Toma mucho alcohol?"), UserUttered("no se")]
    tracker = DialogueStateTracker.from_events("someone", [told, *later])
    assert context(tracker)["after_a_stop"] is True
    tracker = DialogueStateTracker.from_events("someone", later)
    assert "after_a_stop" not in context(tracker)
