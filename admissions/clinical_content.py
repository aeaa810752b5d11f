"""The clinical content's facts and plain-language measures.

Shared by the review page (admissions/review_content.py) and the content
tests (tests/unit/test_content.py), so that both measure the same way.
"""

import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Mapping, NamedTuple

import textstat  # type: ignore[import-untyped]
import yaml

ROOT = Path(__file__).resolve().parents[1]
SOURCES_FILE = ROOT / "docs" / "clinical-sources.md"
CORE_DOMAIN = ROOT / "domain" / "core.yml"
MAX_GRADE = 8.0

# One fact per line: `- **N10.5a** The fact. *Source:* where from.`
FACT_LINE = re.compile(
    r"^- \*\*(?P<id>[A-Z][0-9]+(?:\.[0-9]+)?[a-z]?)\*\* (?P<text>.+?)"
    r"(?: \*Source:\* (?P<source>.+))?$"
)
SECTION_LINE = re.compile(r"^## (?P<title>.+)$")

# Names a reader must meet as they are, whatever their length: drugs,
# medicines, agencies and the condition itself. The reading grade is measured
# with each replaced by a one-syllable word, so that "buprenorphine" does not
# push a plain sentence above grade 8. Longest first, so "opioid use" style
# phrases are not split.
EXEMPT_WORDS = (
    "delirium tremens", "benzodiazepines", "benzodiazepine", "buprenorphine",
    "methamphetamine", "hydromorphone", "hydrocodone", "oxycodone", "gabapentin",
    "pregabalin", "methadone", "naloxone", "fentanyl", "myoclonus", "oxycontin",
    "percocet", "suboxone", "klonopin", "adderall", "cocaine", "heroin", "kratom",
    "opioids", "opioid", "opiates", "opiate", "narcan", "lyrica", "xanax", "valium",
    "ativan", "benzos", "benzo", "meth", "samhsa", "fda", "dts", "988lifeline.org",
)  # fmt: skip
_EXEMPT = re.compile(r"\b(?:" + "|".join(re.escape(w) for w in EXEMPT_WORDS) + r")\b", re.I)
_SLOT = re.compile(r"\{(\w+)\}")
_WORD = re.compile(r"[A-Za-z0-9]+(?:['\-][A-Za-z0-9]+)*")


class Fact(NamedTuple):
    id: str
    text: str
    source: str
    section: str


def load_facts(path: Path = SOURCES_FILE) -> Dict[str, Fact]:
    """The facts of docs/clinical-sources.md by id; a repeated id is an error."""
    facts: Dict[str, Fact] = {}
    section = ""
    for line in path.read_text(encoding="utf-8").splitlines():
        heading = SECTION_LINE.match(line)
        if heading:
            section = heading.group("title")
        match = FACT_LINE.match(line)
        if not match:
            continue
        if match.group("id") in facts:
            raise ValueError(f"{path.name}: fact id {match.group('id')} is used twice")
        facts[match.group("id")] = Fact(
            match.group("id"), match.group("text"), match.group("source") or "", section
        )
    return facts


@lru_cache(maxsize=None)
def slot_defaults() -> Dict[str, str]:
    """The initial values of the domain's slots (the admissions number, hours...)."""
    slots = yaml.safe_load(CORE_DOMAIN.read_text(encoding="utf-8"))["slots"]
    return {
        name: str(slot["initial_value"])
        for name, slot in slots.items()
        if slot.get("initial_value") is not None
    }


def filled(text: str, unknown: str = "") -> str:
    """The text as sent, each {slot} replaced by its default value (or `unknown`)."""
    return _SLOT.sub(lambda m: slot_defaults().get(m.group(1), unknown or m.group(0)), text)


def reading_grade(text: str) -> float:
    """Flesch-Kincaid grade level by textstat, exempt names read as one short word.

    A slot without a default ("Reply {choices}") is read as one short word too.
    """
    return float(textstat.flesch_kincaid_grade(_EXEMPT.sub("drug", filled(text, "it"))))


def is_spanish(variant: Mapping[str, Any]) -> bool:
    """Spanish variants have `condition: language es` (domain/responses/emergency.yml)."""
    return any(
        c.get("name") == "language" and c.get("value") == "es"
        for c in variant.get("condition") or []
    )


def spanish_reading_ease(text: str) -> float:
    """Fernandez-Huerta reading ease (0-100, higher is easier), textstat's Spanish setting.

    The English grade (Flesch-Kincaid) does not apply to Spanish text.
    """
    textstat.set_lang("es")
    try:
        return float(textstat.fernandez_huerta(filled(text, "it")))
    finally:
        textstat.set_lang("en_US")


def word_count(text: str) -> int:
    return len(_WORD.findall(text))
