"""The domain for the actions, read from domain/ by the action server itself.

The Rasa server sends the domain with an action call only when the action asks
for it (endpoints.yml: enable_selective_domain), and no action here asks: the
whole domain, 360 KB of responses in two languages and two channels, sent on
every turn of the screening cost about a tenth of each reply. The action server
reads the same files once instead (`python -m actions` does it before it listens).
"""

from typing import Any, Dict

from rasa_sdk.executor import ActionExecutor

from storage.domain_files import merged_domain


def fill_missing_domain() -> None:
    """Reads domain/ now, and makes rasa_sdk run every action with it when the call
    carries no domain."""
    domain = merged_domain()
    run = ActionExecutor.run

    async def run_with_domain(self: ActionExecutor, action_call: Dict[str, Any]) -> Any:
        if not action_call.get("domain"):
            action_call = {**action_call, "domain": domain}
        return await run(self, action_call)

    ActionExecutor.run = run_with_domain
