"""GSM-7 lengths, shared by the SMS channel and the explanation's SMS paging."""

SMS_LENGTH = 160  # GSM-7 characters in one text
# Texts in one turn: enough for the first SMS explanation to carry several safety
# blocks with the hand-off, few enough not to flood a phone.
MAX_TEXTS = 5

# GSM 03.38 extension characters: each takes two places in a text.
GSM_EXTENSION = frozenset("^{}\\[~]|€")


def gsm_length(text: str) -> int:
    return sum(2 if c in GSM_EXTENSION else 1 for c in text)
