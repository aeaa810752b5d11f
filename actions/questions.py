"""Which screening questions to ask, given the answers so far."""

from typing import Any, List, Mapping

from actions.answers import NOT_SURE, UNCLEAR, YES

TWITCH_DETAILS = ["twitch_location", "twitch_timing", "twitch_duration"]
OPIOID_DETAILS = ["opioid_names", "opioid_prescribed", "opioid_dose_change"]
BENZO_DETAILS = ["benzo_names", "benzo_prescribed"]
# Questions whose answers carry their own words ("a fifth a day", "from a
# friend", "about a week"), so a message can answer them before they are
# asked. A bare "yes" cannot: it is not known what it answers.
SELF_EXPLAINING = [
    "twitch_location", "twitch_timing", "twitch_duration", "opioid_names",
    "opioid_prescribed", "opioid_dose_change", "benzo_names", "benzo_prescribed",
    "alcohol_heavy",
]  # fmt: skip
YES_NO_WORDS = {"yes", "no", "not sure", "skipped"}
ALL_QUESTIONS = [
    "twitching", *TWITCH_DETAILS, "opioid_use", *OPIOID_DETAILS, "benzo_use", *BENZO_DETAILS,
    "benzo_with_opioids", "benzo_for_twitching", "alcohol_heavy", "alcohol_stopped",
]  # fmt: skip


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
    # Unsure or unclear about heavy drinking: ask about stopping anyway, a
    # withdrawal warning is better given than missed.
    if answers.get("alcohol_heavy") in (YES, NOT_SURE, UNCLEAR):
        questions.append("alcohol_stopped")
    return questions


def says_something(value: Any) -> bool:
    """An answer in its own words: not missing, not a bare yes, no or not sure."""
    if isinstance(value, list):
        return bool(value) and not set(value) <= YES_NO_WORDS
    return value is not None and value not in YES_NO_WORDS


def not_asked(answers: Mapping[str, Any]) -> List[str]:
    """Questions with an answer that this person is not (or no longer) asked.

    Their answers are cleared, never stored: a non-drinker's "stopped 3 days
    ago" must not land in the admissions summary.
    """
    asked = set(screening_questions(answers))
    return [q for q in ALL_QUESTIONS if q not in asked and answers.get(q) is not None]


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
