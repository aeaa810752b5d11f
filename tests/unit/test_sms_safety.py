"""The first SMS explanation carries every safety warning the web gives.

People on a phone often never reply MORE: background can wait, warnings cannot.
"""

import pytest

from actions.explanation import SAFETY
from tests.unit.test_explanation import CASES, Case, told


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
async def test_the_first_sms_reply_carries_every_safety_block_of_the_web(case: Case) -> None:
    result = await told(case)
    web_safety = [name for name in result.web if name in SAFETY]
    missing = [name for name in web_safety if name not in result.sms_turns[0]]
    assert not missing, f"{case.id}: first SMS reply lacks {missing}"
