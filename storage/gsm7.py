"""GSM-7 lengths, shared by the SMS channel and the explanation's SMS paging."""

# GSM 03.38 extension characters: each takes two places in a text.
GSM_EXTENSION = frozenset("^{}\\[~]|€")


def gsm_length(text: str) -> int:
    return sum(2 if c in GSM_EXTENSION else 1 for c in text)
