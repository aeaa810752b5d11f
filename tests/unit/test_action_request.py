"""What the Rasa server sends the action server: the conversation since its last restart."""

from rasa.core.actions.action import RemoteAction
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, Restarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

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


def test_the_form_validation_gets_no_domain_when_selective_domain_is_on() -> None:
    tracker = DialogueStateTracker.from_events("person", [UserUttered("yes")])
    domain = Domain.from_yaml("version: '3.1'\nactions:\n- validate_screening_form")
    assert domain.does_custom_action_explicitly_need_domain("validate_screening_form")
    selective = EndpointConfig("http://localhost:5055/webhook", enable_selective_domain=True)
    call = action_call_format(RemoteAction("validate_screening_form", selective), tracker, domain)
    assert "domain" not in call
    call = action_call_format(RemoteAction("validate_screening_form", None), tracker, domain)
    assert "domain" in call  # no endpoint setting: Rasa's default, the domain is sent
