"""One full screening over REST as a person might type it, with the question each
answer should bring (shared by the several-servers test and bench/load.py)."""

from typing import List, Optional, Tuple

# (what the person says, the response that must be in the reply, or None)
SCREENING: List[Tuple[str, Optional[str]]] = [
    ("hi", "utter_ask_start"),
    ("yes", "utter_ask_twitching"),
    ("yeah", "utter_ask_twitch_location"),
    ("my legs mostly", "utter_ask_twitch_timing"),
    ("when im falling asleep", "utter_ask_twitch_duration"),
    ("like 2 weeks", "utter_ask_opioid_use"),
    ("yes", "utter_ask_opioid_names"),
    ("percs", "utter_ask_opioid_prescribed"),
    ("no", "utter_ask_opioid_dose_change"),
    ("yes i ran out last week", "utter_ask_benzo_use"),
    ("yes xanax", "utter_ask_benzo_prescribed"),
    ("no", "utter_ask_benzo_with_opioids"),
    ("yes", "utter_ask_benzo_for_twitching"),
    ("yea sometimes", "utter_ask_alcohol_heavy"),
    ("no", "utter_explain_intro"),
]
