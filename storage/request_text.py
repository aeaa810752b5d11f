"""A callback request as text for people: the staff tool's `show`, and the emails.

`request` is storage.callbacks.as_dict()'s plain data.
"""

import re
from datetime import datetime
from typing import Any, Dict, List, Mapping, Optional

CHANNEL_LABELS = {"socketio": "web chat", "rest": "web (REST)", "sms": "text message"}
# Words a good time to call is said with. A time that uses only these (and a few short
# numbers) can go in an email without the full details; anything else, a name, a
# number, a word about health, stays in the database.
TIME_WORDS = set(
    """
    a am and any anytime around asap at before best between by clock day days early
    evening evenings ish late later lunch lunchtime m midday morning mornings night
    nights no noon not now o ok on or p pm please preference skip soon sure the
    this time to today tomorrow tonight until till weekday weekdays weekend weekends
    whenever work after afternoon afternoons from in next week
    monday tuesday wednesday thursday friday saturday sunday
    mondays tuesdays wednesdays thursdays fridays saturdays sundays
    mon tue tues wed thu thur thurs fri sat sun
    est edt cst cdt mst mdt pst pdt et ct mt pt eastern central mountain pacific
    """.split()
)
CLOCK_TIME = re.compile(r"^\d{1,2}(:\d{2})?(am|pm|a|p)?$")
MAX_NUMBERS_IN_A_TIME = 4


def channel_label(channel: str) -> str:
    return CHANNEL_LABELS.get(channel, channel)


def moment(iso: Optional[str]) -> str:
    """'2026-11-03T02:14:09Z' as '2026-11-03 02:14 UTC'."""
    if not iso:
        return "-"
    return datetime.fromisoformat(iso.rstrip("Z")).strftime("%Y-%m-%d %H:%M UTC")


def flat(summary: Mapping[str, Any], prefix: str = "") -> Dict[str, str]:
    """One entry per answer: {"twitching.where": "legs; arms", ...}."""
    columns: Dict[str, str] = {}
    for key, value in summary.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            columns.update(flat(value, f"{name}."))
        elif isinstance(value, list):
            columns[name] = "; ".join(str(v) for v in value)
        else:
            columns[name] = str(value)
    return columns


def shareable_time(best_time: str) -> Optional[str]:
    """The time to call as typed, if it is only words about time; else None."""
    tokens = re.findall(r"\d{1,2}:\d{2}(?:am|pm)?|[^\s,.;/&+()'!?-]+", best_time.lower())
    numbers = [t for t in tokens if t[0].isdigit()]
    if not tokens or len(numbers) > MAX_NUMBERS_IN_A_TIME:
        return None
    if all(t in TIME_WORDS or CLOCK_TIME.match(t) for t in tokens):
        return best_time.strip()
    return None


def headline(request: Mapping[str, Any]) -> str:
    """'New callback request #12 (web chat, 2026-11-03 02:14 UTC, asked for: evening).'

    No name, number or health answer: safe for any inbox."""
    time = shareable_time(str(request["best_time"])) or "a time in their own words"
    return (
        f"New callback request #{request['id']} ({channel_label(request['channel'])}, "
        f"{moment(request['created_at'])}, asked for: {time})."
    )


def full_lines(request: Mapping[str, Any]) -> List[str]:
    """Everything the person gave, for staff who may see it."""
    lines = [
        f"Callback request #{request['id']}",
        f"Made: {moment(request['created_at'])} via {channel_label(request['channel'])}",
        f"Status: {request['status']}"
        + (f" ({moment(request['contacted_at'])})" if request.get("contacted_at") else ""),
        f"Name: {request['first_name']}",
        f"Phone: {request['phone']}",
        f"Best time to call: {request['best_time']}",
        "Emergency answer shown in the conversation: "
        + ("YES" if request["emergency_answer_shown"] else "no"),
        "Screening summary:",
    ]
    lines += [f"  {key}: {value}" for key, value in flat(request["summary"]).items()]
    return lines
