"""The response variant written for the most of the conversation's slots wins.

Rasa 3.6 (ResponseVariationFilter.responses_for_utter_action) picks at random
among all the conditional variants whose conditions hold. A response has
variants for a family member ("he"), for Spanish, and for both; in a Spanish
conversation about a son all three hold, so he could get the English one. Of
the variants Rasa finds fitting, only those with the most conditions are kept.
"""

from typing import Any, Dict, List

from rasa.core.nlg.generator import ResponseVariationFilter
from rasa.shared.constants import RESPONSE_CONDITION

_rasa_responses_for_utter_action = ResponseVariationFilter.responses_for_utter_action


def most_specific(variants: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """The variants with the most conditions."""
    if not variants:
        return variants
    most = max(len(variant.get(RESPONSE_CONDITION) or []) for variant in variants)
    return [v for v in variants if len(v.get(RESPONSE_CONDITION) or []) == most]


def responses_for_utter_action(
    self: ResponseVariationFilter,
    utter_action: str,
    output_channel: str,
    filled_slots: Dict[str, Any],
) -> List[Dict[str, Any]]:
    fitting = _rasa_responses_for_utter_action(self, utter_action, output_channel, filled_slots)
    return most_specific(fitting)


def install() -> None:
    """Idempotent."""
    ResponseVariationFilter.responses_for_utter_action = responses_for_utter_action
