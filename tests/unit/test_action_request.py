"""What the Rasa server sends the action server: the conversation since its last restart."""

from rasa.core.actions.action import RemoteAction
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, Restarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from addons.patches.action_request import action_call_format


def test_only_the_events_since_the_last_restart_are_sent() -> None:
    tracker = DialogueStateTracker.from_events(
        "person",
        [
            UserUttered("my name is Dana, 617-555-0188"),
            ActionExecuted("action_listen"),
            Restarted(),
            UserUttered("hi"),
        ],
    )
    action = RemoteAction("validate_screening_form", None)
    call = action_call_format(action, tracker, Domain.empty())
    texts = [e.get("text") for e in call["tracker"]["events"] if e["event"] == "user"]
    assert texts == ["hi"]
    assert call["next_action"] == "validate_screening_form" and call["sender_id"] == "person"
