"""Which screening questions to ask, given the answers so far."""

from typing import Any, List, Mapping

from actions.answers import NOT_SURE, YES

TWITCH_DETAILS = ["twitch_location", "twitch_timing", "twitch_duration"]
OPIOID_DETAILS = ["opioid_names", "opioid_prescribed", "opioid_dose_change"]
BENZO_DETAILS = ["benzo_names", "benzo_prescribed"]


def screening_questions(answers: Mapping[str, Any]) -> List[str]:
    """The questions for this person, in the order they are asked.

    Follow-up questions are only asked after a yes, so nobody is asked
    about details that do not apply to them.
    """
    has_twitching = answers.get("twitching") == YES
    uses_opioids = answers.get("opioid_use") == YES
    uses_benzos = answers.get("benzo_use") == YES

    questions = ["twitching"]
    if has_twitching:
        questions += TWITCH_DETAILS
    questions.append("opioid_use")
    if uses_opioids:
        questions += OPIOID_DETAILS
    questions.append("benzo_use")
    if uses_benzos:
        questions += BENZO_DETAILS
        if uses_opioids:
            questions.append("benzo_with_opioids")
        if has_twitching:
            questions.append("benzo_for_twitching")
    questions.append("alcohol_heavy")
    if answers.get("alcohol_heavy") in (YES, NOT_SURE):
        questions.append("alcohol_stopped")
    return questions


def implied_answers(answers: Mapping[str, Any]) -> dict:
    """Answers the person already gave by describing something.

    "My legs jerk at night since I started oxy" answers whether they have
    twitching and whether they use opioids, so neither is asked again.
    """
    implied = {}
    if answers.get("twitching") is None and any(answers.get(s) for s in TWITCH_DETAILS):
        implied["twitching"] = YES
    if answers.get("opioid_use") is None and answers.get("opioid_names"):
        implied["opioid_use"] = YES
    if answers.get("benzo_use") is None and answers.get("benzo_names"):
        implied["benzo_use"] = YES
    return implied
