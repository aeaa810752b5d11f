"""The action server's answers checked against a schema that is checked once.

RemoteAction._validate_action_result calls jsonschema.validate(), which with
jsonschema 4 checks the schema itself again on every call. The profile of a
screening showed that check as the largest single cost of a turn (about 120 ms
of each custom action call under the profiler, more than the NLU). This makes
the same check with a validator built once.
"""

from functools import lru_cache
from typing import Any, Dict

from jsonschema import ValidationError
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL


@lru_cache(maxsize=1)
def response_validator() -> Any:
    schema = RemoteAction.action_response_format_spec()
    validator_class = validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


def validate_action_result(_action: RemoteAction, result: Dict[str, Any]) -> bool:
    """What RemoteAction._validate_action_result does, without the schema check."""
    try:
        response_validator().validate(result)
        return True
    except ValidationError as error:
        error.message += (
            ". Failed to validate Action server response from API, make sure your "
            "response from the Action endpoint is valid. For more information about "
            f"the format visit {DOCS_BASE_URL}/custom-actions"
        )
        raise error


def install() -> None:
    RemoteAction._validate_action_result = validate_action_result
