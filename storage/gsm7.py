"""GSM-7 lengths, shared by the SMS channel and the explanation's SMS paging."""

SMS_LENGTH = 160  # GSM-7 characters in one text
# Texts a turn aims at: background information waits for "MORE" beyond this.
TURN_TEXTS = 5
# Texts a turn may never exceed, so that no safety warning is ever cut: the
# first SMS explanation carries every one of them, however many texts it takes.
MAX_TEXTS = 20

# GSM 03.38 extension characters: each takes two places in a text.
GSM_EXTENSION = frozenset("^{}\\[~]|€")


def gsm_length(text: str) -> int:
    return sum(2 if c in GSM_EXTENSION else 1 for c in text)
