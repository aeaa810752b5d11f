"""The action server's own copy of the domain (actions/domain.py).

The Rasa server sends no domain with an action call (endpoints.yml:
enable_selective_domain), so the actions must get the same responses, forms and
slots from domain/ as Rasa would have sent.
"""

import asyncio
from typing import Any, Dict, List

import yaml
from rasa.shared.core.domain import Domain
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import ActionExecutor, CollectingDispatcher

from actions.domain import fill_missing_domain
from storage.domain_files import DOMAIN_DIR, merged_domain

ROOT = DOMAIN_DIR.parent


def test_the_copy_is_what_rasa_would_send() -> None:
    sent = Domain.load(str(DOMAIN_DIR)).as_dict()
    copy = merged_domain()
    assert copy["responses"] == sent["responses"]
    assert copy["forms"] == sent["forms"]
    assert set(copy["slots"]) == set(sent["slots"])


def test_rasa_sends_no_domain_to_the_action_server() -> None:
    endpoints = yaml.safe_load((ROOT / "endpoints.yml").read_text())
    assert endpoints["action_endpoint"]["enable_selective_domain"] is True
    asking = [
        action
        for action in Domain.load(str(DOMAIN_DIR)).as_dict()["actions"]
        if isinstance(action, dict)
    ]
    assert asking == []  # no action asks for it (send_domain): none needs to


class ReadsTheDomain(Action):
    seen: List[Dict[str, Any]] = []

    def name(self) -> str:
        return "action_reads_the_domain"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict) -> List:
        self.seen.append(domain)
        return []


def call_without_domain() -> Dict[str, Any]:
    executor = ActionExecutor()
    executor.register_action(ReadsTheDomain)
    tracker = {"sender_id": "someone", "slots": {}, "latest_message": {}, "events": []}
    tracker.update(paused=False, followup_action=None, active_loop={}, latest_action_name=None)
    call = {"next_action": "action_reads_the_domain", "sender_id": "someone", "tracker": tracker}
    asyncio.run(executor.run(call))
    return ReadsTheDomain.seen.pop()


def test_an_action_called_without_a_domain_gets_the_copy() -> None:
    original = ActionExecutor.run
    try:
        assert call_without_domain() == {}  # rasa_sdk alone
        fill_missing_domain()
        assert call_without_domain() == merged_domain()
    finally:
        ActionExecutor.run = original  # type: ignore[method-assign]
