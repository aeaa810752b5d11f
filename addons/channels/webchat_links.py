"""Phone numbers in web chat messages as links a phone can dial or text.

rasa-webchat shows bot text as Markdown, so a number becomes a Markdown link:
- the admissions number, exactly as the `admissions_phone` slot writes it (the
  setting the text itself is filled from): tel: with the number in E.164;
- toll-free helplines in the wording (1-800-...): tel:;
- 911: tel:911; 988: tel:988, and "call or text 988" becomes "call 988" (tel:)
  and "text 988" (sms:), so that each link says what it does.

Only the web chat's output channel uses this: SMS, REST and the shell keep the
plain text.
"""

import re
from typing import Any, Dict, Optional

import phonenumbers

ADMISSIONS_PHONE_SLOT = "admissions_phone"
# Numbers written without a country code are North American (the 911/988 system).
NUMBER_REGION = "US"

_NOT_WITHIN_A_WORD_BEFORE = r"(?<![\w/.-])"
_NOT_WITHIN_A_WORD_AFTER = r"(?![\w-])"
_PATTERNS = {
    "call_or_text_988": r"\b(?P<call>[Cc]all) or text 988" + _NOT_WITHIN_A_WORD_AFTER,
    "toll_free": _NOT_WITHIN_A_WORD_BEFORE
    + r"(?:1-)?8(?:00|33|44|55|66|77|88)-\d{3}-\d{4}"
    + _NOT_WITHIN_A_WORD_AFTER,
    "short_code": _NOT_WITHIN_A_WORD_BEFORE + r"(?:911|988)" + _NOT_WITHIN_A_WORD_AFTER,
}


def admissions_phone(domain: Any) -> str:
    """The admissions number as the domain's slot writes it ("" if there is none)."""
    for slot in getattr(domain, "slots", []):
        if slot.name == ADMISSIONS_PHONE_SLOT:
            return str(slot.initial_value or "")
    return ""


def tel_uri(number: str) -> Optional[str]:
    """tel:+E164 for a written phone number, or None if it is not one."""
    try:
        parsed = phonenumbers.parse(number, NUMBER_REGION)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(parsed):
        return None
    return "tel:" + phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def _pattern(admissions: str) -> "re.Pattern[str]":
    patterns = dict(_PATTERNS)
    if admissions and tel_uri(admissions):
        # First, so that the admissions number is never read as a helpline.
        exact = _NOT_WITHIN_A_WORD_BEFORE + re.escape(admissions) + _NOT_WITHIN_A_WORD_AFTER
        patterns = {"admissions": exact, **patterns}
    return re.compile("|".join(f"(?P<{name}>{regex})" for name, regex in patterns.items()))


def _link(match: "re.Match[str]") -> str:
    written = match.group(0)
    if match.group("call_or_text_988"):
        return f"[{match.group('call')} 988](tel:988) or [text 988](sms:988)"
    if match.group("short_code"):
        return f"[{written}](tel:{written})"
    uri = tel_uri(written)
    return f"[{written}]({uri})" if uri else written


def linked(text: str, admissions: str) -> str:
    """`text` with the admissions number, helplines, 911 and 988 as Markdown links."""
    return _pattern(admissions).sub(_link, text)


def call_button(admissions: str, title: str) -> Optional[Dict[str, str]]:
    """A "Call admissions" button that dials the number (rasa-webchat's web_url button)."""
    uri = tel_uri(admissions) if admissions else None
    return {"type": "web_url", "title": title, "url": uri} if uri else None
