"""The action server gets the conversation since its last restart, not all of it.

RemoteAction._action_call_format sends every event the conversation ever had
(EventVerbosity.ALL) with each custom action call, and the screening form calls
the action server on every answer: after a few "restart"s the request, and the
time to build, send and read it, grew with every round. The actions read nothing
from before a restart (own_words.py and the callback start afresh there), so
this sends the events since the latest Restarted event (EventVerbosity.AFTER_RESTART),
as Rasa's own tracker does for the policies.

It sends no domain when selective domain is on (endpoints.yml), for any action:
Rasa 3.6 always sends the whole domain to validate_* actions (Domain.
_collect_actions_which_explicitly_need_domain), about 420 KB of responses on
every answer to the screening, which cost the action server more time than the
answer itself; the action server reads the same domain/ files (actions/domain.py).
"""

from typing import Any, Dict

import rasa
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity


def action_call_format(
    action: RemoteAction, tracker: DialogueStateTracker, domain: Domain
) -> Dict[str, Any]:
    """Rasa's request to the action server, with the events since the latest restart."""
    call: Dict[str, Any] = {
        "next_action": action.name(),
        "sender_id": tracker.sender_id,
        "tracker": tracker.current_state(EventVerbosity.AFTER_RESTART),
        "version": rasa.__version__,
    }
    if not action._is_selective_domain_enabled():
        call["domain"] = domain.as_dict()
    return call


def install() -> None:
    RemoteAction._action_call_format = action_call_format
