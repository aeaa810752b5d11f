"""The screening summary stored with a callback request, for the admissions coordinator."""

from typing import Any, Dict, Iterable, List, Mapping

from actions.answers import NO

NOT_ASKED = "not asked"
SUBSTANCE_ENTITIES = {
    "opioid": "opioids",
    "benzodiazepine": "benzodiazepines",
    "alcohol": "alcohol",
    "other_substance": "other",
}


def words_as_said(events: Iterable[Mapping[str, Any]]) -> Dict[str, List[str]]:
    """Substance names as the person typed them, by class ("percs", "xans").

    Read from the NLU entities of the person's messages: the slots hold only
    the canonical names (oxycodone, alprazolam).
    """
    said: Dict[str, List[str]] = {}
    for event in events:
        if event.get("event") != "user":
            continue
        text = event.get("text") or ""
        for entity in (event.get("parse_data") or {}).get("entities") or []:
            group = SUBSTANCE_ENTITIES.get(entity.get("entity", ""))
            start, end = entity.get("start"), entity.get("end")
            if group is None or not isinstance(start, int) or not isinstance(end, int):
                continue
            word = text[start:end].strip()
            if word and word not in said.setdefault(group, []):
                said[group].append(word)
    return said


def _answer(slots: Mapping[str, Any], name: str) -> Any:
    value = slots.get(name)
    return NOT_ASKED if value is None or value == [] else value


def together(slots: Mapping[str, Any]) -> str:
    """Whether opioids and benzodiazepines are taken together (the riskiest mix)."""
    if slots.get("benzo_with_opioids") is not None:
        return str(slots["benzo_with_opioids"])
    if NO in (slots.get("opioid_use"), slots.get("benzo_use")):
        return NO
    return NOT_ASKED


LANGUAGES = {"en": "English", "es": "Spanish"}


def screening_summary(
    slots: Mapping[str, Any], events: Iterable[Mapping[str, Any]], finished: bool
) -> Dict[str, Any]:
    """What the person answered, grouped the way the coordinator reads it."""
    said = words_as_said(events)
    return {
        "twitching": {
            "has_twitching": _answer(slots, "twitching"),
            "where": _answer(slots, "twitch_location"),
            "when": _answer(slots, "twitch_timing"),
            "how_long": _answer(slots, "twitch_duration"),
        },
        "opioids": {
            "uses": _answer(slots, "opioid_use"),
            "names": _answer(slots, "opioid_names"),
            "as_said": said.get("opioids", []),
            "prescribed": _answer(slots, "opioid_prescribed"),
            "dose_changed": _answer(slots, "opioid_dose_change"),
        },
        "benzodiazepines": {
            "uses": _answer(slots, "benzo_use"),
            "names": _answer(slots, "benzo_names"),
            "as_said": said.get("benzodiazepines", []),
            "prescribed": _answer(slots, "benzo_prescribed"),
            "for_twitching": _answer(slots, "benzo_for_twitching"),
        },
        "opioids_and_benzodiazepines_together": together(slots),
        "alcohol": {
            "heavy": _answer(slots, "alcohol_heavy"),
            "stopped_recently": _answer(slots, "alcohol_stopped"),
            "as_said": said.get("alcohol", []),
        },
        "other_substances": {
            "names": slots.get("other_substances") or [],
            "as_said": said.get("other", []),
        },
        "screening_finished": finished,
        # Admissions calls back in the language the person wrote in.
        "language": LANGUAGES.get(str(slots.get("language")), LANGUAGES["en"]),
    }
