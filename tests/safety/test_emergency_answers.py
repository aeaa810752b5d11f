"""The emergency answers and what routes to them, checked from the files.

- Every emergency intent (the crisis lexicon's `priority`) is in the domain,
  ignored by both forms, sets emergency_answer_shown, has training examples,
  and has a rule outside any form, during the screening and during the
  callback request, each saying its answer first and then the way on.
- Every emergency answer (domain/responses/emergency.yml) has a web and an
  SMS variant in English and in Spanish; each cites its sources and the ids
  of its facts in docs/clinical-sources.md; each SMS variant is GSM-7 and fits
  one text; each says the number to call first (988 for suicidal thoughts,
  with 911 after); lingua reads each variant as its language.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Dict, List

import pytest
import yaml

from addons.channels.sms_text import GSM_BASIC, GSM_EXTENSION, SMS_LENGTH, gsm_length
from addons.nlu.language import LanguageDetector
from tests.support.content import domain

ROOT = Path(__file__).resolve().parents[2]
EMERGENCY_FILE = ROOT / "domain" / "responses" / "emergency.yml"
FOLLOW_UP = "utter_after_emergency"
SPANISH = [{"type": "slot", "name": "language", "value": "es"}]
MAX_WEB_SENTENCES = 4
# The number to call comes first: within the first characters of every answer.
FIRST = 60


def lexicon_intents() -> List[str]:
    data = yaml.safe_load((ROOT / "data" / "lexicon" / "crisis.yml").read_text())
    return list(data["priority"])


def answers() -> Dict[str, List[Dict[str, Any]]]:
    return dict(yaml.safe_load(EMERGENCY_FILE.read_text(encoding="utf-8"))["responses"])


def rules() -> List[Dict[str, Any]]:
    return list(yaml.safe_load((ROOT / "data" / "rules" / "emergency.yml").read_text())["rules"])


def answer_of(intent: str) -> str:
    return "utter_" + intent


def sentences(text: str) -> List[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s]


def fact_ids() -> set:
    text = (ROOT / "docs" / "clinical-sources.md").read_text(encoding="utf-8")
    return set(re.findall(r"^- \*\*([A-Z][\w.]+)\*\*", text, flags=re.MULTILINE))


# --- Routing ----------------------------------------------------------------------
def test_every_emergency_intent_is_routed_first_everywhere() -> None:
    merged = domain()
    forms = merged["forms"]
    shown = merged["slots"]["emergency_answer_shown"]["mappings"][0]["intent"]
    # Named in the language mapping: during a form Rasa skips the mappings of
    # the intents the form ignores.
    spoken = merged["slots"]["language"]["mappings"][0]["intent"]
    by_state: Dict[str, Dict[str, List[str]]] = {}
    for rule in rules():
        steps = rule["steps"]
        if "intent" not in steps[0]:
            continue
        condition = rule.get("condition") or [{}]
        state = str(condition[0].get("active_loop", "none"))
        actions = [step["action"] for step in steps[1:] if "action" in step]
        by_state.setdefault(state, {})[steps[0]["intent"]] = actions
    problems = []
    for intent in lexicon_intents():
        if intent not in merged["intents"]:
            problems.append(f"{intent}: not in the domain's intents")
        for form in ("screening_form", "callback_form"):
            if intent not in forms[form]["ignored_intents"]:
                problems.append(f"{intent}: not ignored by {form}")
        if intent not in shown:
            problems.append(f"{intent}: does not set emergency_answer_shown")
        if intent not in spoken:
            problems.append(f"{intent}: does not set the language slot")
        for state in ("none", "screening_form", "callback_form"):
            said = by_state.get(state, {}).get(intent) or []
            if not said or said[0] != answer_of(intent) or said[-1] != FOLLOW_UP:
                problems.append(f"{intent}: no rule answering it first in state {state}")
    assert not problems, problems


def test_every_emergency_intent_has_training_examples() -> None:
    data = yaml.safe_load((ROOT / "data" / "nlu" / "emergency.yml").read_text())
    counts = {
        block["intent"]: len((block.get("examples") or "").splitlines()) for block in data["nlu"]
    }
    assert all(counts.get(intent, 0) >= 10 for intent in lexicon_intents()), counts


# --- The answers -------------------------------------------------------------------
@pytest.fixture(scope="module")
def language() -> LanguageDetector:
    return LanguageDetector({})


def is_spanish(variant: Dict[str, Any]) -> bool:
    """Spanish, alone or with another condition (the kind of emergency)."""
    return SPANISH[0] in (variant.get("condition") or [])


def variants() -> List[Dict[str, Any]]:
    return [
        {"response": name, **variant}
        for name, response_variants in answers().items()
        for variant in response_variants
    ]


def label(variant: Dict[str, Any]) -> str:
    spanish = " es" if is_spanish(variant) else ""
    return f"{variant['response']} ({variant.get('channel', 'web')}{spanish})"


def test_every_emergency_intent_has_its_answer_in_both_languages_on_both_channels() -> None:
    found = answers()
    for intent in lexicon_intents():
        kinds = {
            (variant.get("channel"), is_spanish(variant))
            for variant in found.get(answer_of(intent), [])
        }
        assert kinds == {(None, False), ("sms", False), (None, True), ("sms", True)}, intent
    follow_up = domain()["responses"][FOLLOW_UP]
    assert any(v.get("condition") == SPANISH and "channel" not in v for v in follow_up)
    assert any(v.get("condition") == SPANISH and v.get("channel") == "sms" for v in follow_up)


def test_every_answer_cites_its_sources_and_facts() -> None:
    known = fact_ids()
    problems = []
    for variant in variants():
        metadata = variant.get("metadata") or {}
        sources, facts = metadata.get("sources"), metadata.get("facts")
        if not sources or not all(isinstance(s, str) and s.strip() for s in sources):
            problems.append(f"{label(variant)}: no metadata.sources")
        if not facts or set(facts) - known:
            problems.append(f"{label(variant)}: facts {facts} not all in docs/clinical-sources.md")
    assert not problems, problems


def test_every_sms_answer_is_one_gsm7_text() -> None:
    problems = []
    for variant in variants():
        if variant.get("channel") != "sms":
            continue
        text = variant["text"]
        odd = sorted({c for c in text if c not in GSM_BASIC and c not in GSM_EXTENSION})
        if odd:
            problems.append(f"{label(variant)}: not GSM-7: {odd}")
        elif gsm_length(text) > SMS_LENGTH:
            problems.append(f"{label(variant)}: {gsm_length(text)} characters")
    assert not problems, problems


def test_every_answer_says_the_number_to_call_first() -> None:
    problems = []
    for variant in variants():
        first = variant["text"][:FIRST]
        if variant["response"] == "utter_emergency_suicide":
            if "988" not in first or "911" not in variant["text"]:
                problems.append(f"{label(variant)}: 988 first, then 911")
        elif "911" not in first:
            problems.append(f"{label(variant)}: no 911 in {first!r}")
    assert not problems, problems


def test_web_answers_are_short_and_english_ones_plain_ascii() -> None:
    problems = []
    for variant in variants():
        if variant.get("channel") == "sms":
            continue
        if len(sentences(variant["text"])) > MAX_WEB_SENTENCES:
            problems.append(f"{label(variant)}: more than {MAX_WEB_SENTENCES} sentences")
        if not is_spanish(variant) and not variant["text"].isascii():
            problems.append(f"{label(variant)}: not plain ASCII")
    assert not problems, problems


def test_each_answer_reads_as_its_language(language: LanguageDetector) -> None:
    problems = []
    for variant in variants():
        expected = "es" if is_spanish(variant) else "en"
        found = language.language_of(variant["text"])
        if found is None or found[0] != expected:
            problems.append(f"{label(variant)}: read as {found}")
    assert not problems, problems
