"""A reply with the admissions number, within seconds, when a custom action fails.

Rasa 3.6 waits up to 300 s for the action server (RemoteAction.run passes the
hard-coded DEFAULT_REQUEST_TIMEOUT), and when a custom action fails it logs the
error, drops the action's events and says nothing (MessageProcessor._run_action).
The screening form's validation runs on the action server on every answer, so a
stopped or hung action server would leave a frightened person with silence.

install() patches two methods, on the Rasa server only:

1. RemoteAction.run gives up after ACTION_TIMEOUT_SECONDS (env, default 4 s).
2. FormAction.validate_slots: when the form's validation action fails on a
   user message that answers nothing (no slot candidates), the form rejects the
   message, as Rasa does when validation works, so that the rules for
   interruptions still apply: an emergency gets the emergency answer first.
3. MessageProcessor._run_action: when a custom action failed during it (could
   not connect, timed out, an error status; not a validation rejection), the
   turn ends with utter_action_failed and utter_admissions_contact (domain
   responses that Rasa says by itself) and Rasa listens again. An active form
   stays active, so the next answer is taken by the same question.

The emergency answers themselves are static rules and need no action server.

install() also makes the check of the action server's answers cheaper
(response_schema.py), so that custom actions answer well within the timeout,
and makes Rasa choose the response variant written for the most of the
conversation's slots (response_variants.py: Spanish and about a son), and
passes the conversation's context to the NLU (conversation_context.py),
sends the action server the conversation since its last restart (action_request.py),
and reads the trained model's domain once at start-up (domain_load.py).
"""

import asyncio
import logging
import os
from contextvars import ContextVar
from typing import Any, Dict, List, Optional

from rasa.core.actions.action import ActionExecutionRejection, RemoteAction, action_for_name_or_text
from rasa.core.actions.forms import FormAction
from rasa.core.policies.policy import PolicyPrediction
from rasa.core.processor import MessageProcessor
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.exceptions import RasaException

from addons.patches import (
    action_request,
    conversation_context,
    domain_load,
    response_schema,
    response_variants,
)

logger = logging.getLogger(__name__)

# The Rasa version whose internals these patches replace (checked by addons/__main__.py).
RASA_VERSION = "3.6.21"
DEFAULT_ACTION_TIMEOUT_SECONDS = 4.0
FAILURE_RESPONSES = ("utter_action_failed", "utter_admissions_contact")
POLICY_NAME = "action_server_fallback"


class ActionServerFailure:
    """Set by RemoteAction.run when the action server failed during one _run_action."""

    def __init__(self) -> None:
        self.action_name: Optional[str] = None


_current_failure: ContextVar[Optional[ActionServerFailure]] = ContextVar(
    "action_server_failure", default=None
)

_original_remote_run = RemoteAction.run
_original_run_action = MessageProcessor._run_action
_original_validate_slots = FormAction.validate_slots


def action_timeout_seconds() -> float:
    try:
        return float(os.environ.get("ACTION_TIMEOUT_SECONDS") or DEFAULT_ACTION_TIMEOUT_SECONDS)
    except ValueError:
        return DEFAULT_ACTION_TIMEOUT_SECONDS


async def _remote_run_with_timeout(self: RemoteAction, *args: Any, **kwargs: Any) -> List[Any]:
    timeout = action_timeout_seconds()
    try:
        return await asyncio.wait_for(_original_remote_run(self, *args, **kwargs), timeout)
    except ActionExecutionRejection:
        raise  # the action asked Rasa to predict again: not a failure
    except asyncio.TimeoutError:
        logger.error("Custom action '%s' got no answer within %.0f s.", self.name(), timeout)
        _record_failure(self.name())
        raise RasaException(f"Custom action '{self.name()}' timed out.") from None
    except Exception:
        _record_failure(self.name())
        raise


def _record_failure(action_name: str) -> None:
    failure = _current_failure.get()
    if failure is not None:
        failure.action_name = action_name


async def _validate_slots_or_reject(
    self: FormAction, slot_candidates: Dict[str, Any], tracker: Any, *args: Any
) -> List[Any]:
    try:
        return await _original_validate_slots(self, slot_candidates, tracker, *args)
    except ActionExecutionRejection:
        raise
    except Exception:
        taking_a_message = tracker.latest_action_name == ACTION_LISTEN_NAME
        if slot_candidates or not taking_a_message or not self.get_slot_to_fill(tracker):
            raise
        # Nothing in the message answers the question: Rasa would reject it after
        # validation anyway, and its rules (emergencies first) take it from here.
        failure = _current_failure.get()
        if failure is not None:
            failure.action_name = None
        raise ActionExecutionRejection(self.name(), "The action server failed.") from None


async def _run_action_or_apologise(
    self: MessageProcessor,
    action: Any,
    tracker: Any,
    output_channel: Any,
    nlg: Any,
    prediction: PolicyPrediction,
) -> bool:
    failure = ActionServerFailure()
    token = _current_failure.set(failure)
    try:
        predict_again = await _original_run_action(
            self, action, tracker, output_channel, nlg, prediction
        )
    finally:
        _current_failure.reset(token)
    if failure.action_name is None:
        return bool(predict_again)
    logger.error(
        "The action server failed during '%s': ending the turn with the admissions number.",
        action.name(),
    )
    for name in (*FAILURE_RESPONSES, ACTION_LISTEN_NAME):
        if name in said_this_turn(tracker):
            continue
        await _original_run_action(
            self,
            action_for_name_or_text(name, self.domain, self.action_endpoint),
            tracker,
            output_channel,
            nlg,
            PolicyPrediction.for_action_name(self.domain, name, POLICY_NAME),
        )
    return False


def said_this_turn(tracker: Any) -> List[str]:
    """Names of the actions run since the latest user message."""
    names: List[str] = []
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            break
        if isinstance(event, ActionExecuted) and event.action_name:
            names.append(event.action_name)
    return names


def install() -> None:
    """Idempotent; see the module docstring."""
    RemoteAction.run = _remote_run_with_timeout
    FormAction.validate_slots = _validate_slots_or_reject
    response_schema.install()
    response_variants.install()
    conversation_context.install()
    action_request.install()
    domain_load.install()
    MessageProcessor._run_action = _run_action_or_apologise
