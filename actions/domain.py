"""The domain as the actions read it (responses, forms, slots), from domain/.

The Rasa server sends the domain with an action call only when the action asks
for it (endpoints.yml: enable_selective_domain), and no action here asks: the
whole domain, 360 KB of responses in two languages and two channels, sent on
every turn of the screening cost about a tenth of each reply. The action server
reads the same files once instead (`python -m actions` does it before it listens).
"""

from functools import lru_cache
from pathlib import Path
from typing import Any, Dict

import yaml
from rasa_sdk.executor import ActionExecutor

DOMAIN_DIR = Path(__file__).resolve().parents[1] / "domain"
# What the actions and rasa_sdk's forms read from the domain.
PARTS = ("responses", "forms", "slots")


@lru_cache(maxsize=None)
def action_domain() -> Dict[str, Any]:
    """responses, forms and slots of every file in domain/, as Rasa merges them."""
    merged: Dict[str, Dict[str, Any]] = {part: {} for part in PARTS}
    for path in sorted(DOMAIN_DIR.rglob("*.yml")):
        content = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for part in PARTS:
            merged[part].update(content.get(part) or {})
    return merged


def fill_missing_domain() -> None:
    """Makes rasa_sdk run every action with action_domain() when the call carries none."""
    run = ActionExecutor.run

    async def run_with_domain(self: ActionExecutor, action_call: Dict[str, Any]) -> Any:
        if not action_call.get("domain"):
            action_call = {**action_call, "domain": action_domain()}
        return await run(self, action_call)

    ActionExecutor.run = run_with_domain
