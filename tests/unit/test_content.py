"""Checks on everything the assistant says: the responses in domain/responses/*.yml.

The general checks (SMS length and character set, typography, no stop
advice, no doses, no diagnoses, facts cited, reading grade, no stigmatising
words, none of the seeds' claims) run on every response and every variant in
every file in domain/responses, including files added later (the reading grade
on English text only). The clinical checks (required responses, plain ASCII for
English, length) run on domain/responses/clinical.yml; the emergency numbers are
checked wherever the emergency answers are (emergency.yml has its own tests too).

Every English variant has a Spanish twin (`condition: language es`, plus the
English variant's own conditions) for the same channel, with the same
placeholders, numbers, button payloads and metadata; Spanish text that SMS
sends is GSM-7 (no a, i, o, u with an accent).

Each test collects every problem it finds and fails once, listing the file,
the response and the variant, so one run shows everything that needs fixing.
"""

from __future__ import annotations

import fnmatch
import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, NamedTuple, Optional, Tuple

import pytest
import yaml
from rasa.core.nlg.generator import ResponseVariationFilter

from actions.explanation import BLOCKS
from actions.sms_pages import MORE_PROMPT
from addons.channels.sms_text import to_gsm7
from addons.patches.response_variants import install as prefer_most_specific_variants
from admissions.clinical_content import (
    MAX_GRADE,
    SOURCES_FILE,
    load_facts,
    reading_grade,
    spanish_reading_ease,
)

ROOT = Path(__file__).resolve().parents[2]
DOMAIN_DIR = ROOT / "domain"
CONTENT_DIR = DOMAIN_DIR / "responses"
CLINICAL_FILE = "clinical.yml"

SMS_CHANNEL = "sms"
SMS_MAX_SEPTETS = 160
WEB_MAX_SENTENCES = 4

# What a `{slot}` placeholder is replaced with before measuring an SMS:
# a realistic value of 20 characters (a phone number with an extension).
SLOT_SAMPLE_VALUE = "(877) 345-8494 x1234"
SLOT_PATTERN = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*\}")

# Every response clinical.yml must define, each with a web and an SMS variant:
# every block the explanation may choose (actions/explanation.py).
REQUIRED_CLINICAL_RESPONSES = (
    *(block.name for block in BLOCKS),
    MORE_PROMPT,
    "utter_explain_nothing_more",
)
# Emergency answers: required in some file of domain/responses.
REQUIRED_EMERGENCY_RESPONSES = (
    "utter_emergency_overdose",
    "utter_emergency_suicide",
    "utter_emergency_seizure",
    "utter_overdose_signs",
)

# The numbers each emergency answer must keep, in every variant.
EMERGENCY_NUMBERS = {
    "utter_emergency_overdose": ("911",),
    "utter_emergency_seizure": ("911",),
    "utter_emergency_suicide": ("988", "911"),
}

# --- GSM-7 (3GPP TS 23.038) -------------------------------------------------
# The basic character set: 127 characters (the 128th code is the escape to
# the extension table). Each costs one septet.
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅå"
    "Δ_ΦΓΛΩΠΨΣΘΞÆæßÉ"
    " !\"#¤%&'()*+,-./"
    "0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# The extension table: each costs two septets (escape + character).
GSM7_EXTENSION = frozenset("\f^{}\\[]~|€")

# Typography that must not appear anywhere in domain/responses: it is not GSM-7
# (it would turn an SMS into a 70-character UCS-2 message) and the web text
# is kept to plain ASCII quotes and hyphens.
TYPOGRAPHIC = {
    "\u2018": "left single quote",
    "\u2019": "right single quote / curly apostrophe",
    "\u201a": "low single quote",
    "\u201b": "reversed single quote",
    "\u201c": "left double quote",
    "\u201d": "right double quote",
    "\u201e": "low double quote",
    "\u201f": "reversed double quote",
    "\u2032": "prime",
    "\u2033": "double prime",
    "\u2012": "figure dash",
    "\u2013": "en dash",
    "\u2014": "em dash",
    "\u2015": "horizontal bar",
    "\u2026": "ellipsis character",
}

# "stop taking" / "stop using" / "quit": only allowed in a sentence that also
# mentions a doctor or medical help. The all-caps SMS keyword QUIT (as in
# "Reply STOP or QUIT") is an opt-out instruction, not advice, and is allowed.
STOP_ADVICE = re.compile(
    r"\b(?:stop(?:s|ping)?\s+(?:taking|using)|quit(?:s|ting)?)\b", re.IGNORECASE
)
STOP_ADVICE_KEYWORD_EXCEPTION = "QUIT"
STOP_ADVICE_REQUIRED_WORDS = ("doctor", "medical")

# A dose: a number (in digits or words) followed by a unit of weight.
NUMBER = (
    r"(?:\d+(?:[.,]\d+)?|half|one|two|three|four|five|six|seven|eight|nine|ten"
    r"|fifteen|twenty|thirty|forty|fifty|hundred)"
)
DOSE = re.compile(
    NUMBER + r"\s*-?\s*(?:mg|milligrams?|mcg|micrograms?|\u00b5g|ug)\b",
    re.IGNORECASE,
)

# "You have <condition>", allowing up to three words in between ("you have a
# substance use disorder") and hedged forms ("you may have withdrawal").
CONDITION_WORDS = r"(?:myoclonus|withdrawals?|seizures?|addictions?|disorders?)"
DIAGNOSIS = re.compile(
    r"\byou(?:'ve|\s+(?:(?:may|might|could|probably|likely|definitely)\s+)?have)"
    r"(?:\s+got)?\s+(?:[\w'-]+\s+){0,3}?" + CONDITION_WORDS + r"\b",
    re.IGNORECASE,
)


# Stigmatising labels (person-first language: "a person who uses drugs", not
# "a drug user"; no "addict", "abuser", "clean" or "dirty" as labels).
STIGMA = re.compile(
    r"\b(?:addicts?|abusers?|junkies|junky|druggies|druggy|crackheads?|cokeheads?"
    r"|meth ?heads?|alcoholics?|drunks|substance abuse|drug abuse|alcohol abuse"
    r"|(?:drug|opioid|heroin|meth|iv|needle) users?|clean|dirty)\b",
    re.IGNORECASE,
)
# Claims from the project's seed text that the clinical notes do not support:
# that treating opioid myoclonus is simply stopping the drug, that twitching is
# a "clear indicator" the nervous system is failing, and promises about
# treatment nobody can verify.
SEED_CLAIMS = re.compile(
    r"ceas(?:e|es|ed|ing)\s+(?:taking\s+)?(?:the\s+|of\s+the\s+)?(?:drug|medication|medicine|opioid)s?"
    r"|clear(?:est)? (?:indicator|sign)"
    r"|nervous system (?:is not|isn'?t|is no longer|stops?) working"
    r"|\bcur(?:e|es|ed|ing)\b|\bguarantee|\b100 ?%|\bproven\b|\bsuccess rates?\b"
    r"|\b(?:always|definitely|certainly|will)\s+(?:work|works|go away|stop|resolve|disappear)\b"
    r"|\bfully recover|\bget (?:you |him |her |them )?(?:clean|sober)\b",
    re.IGNORECASE,
)
# Fact ids (docs/clinical-sources.md) are cited by every response in
# domain/responses, in metadata.facts. Temporary exceptions, to be annotated
# by whoever owns them, each with the reason:
FACTS_NOT_YET_CITED = {
    # The emergency answers: the lead annotates them when they move to emergency.yml.
    "utter_emergency_*": "emergency answers, annotated by the lead",
}
FACTS_NOT_YET_CITED_FILES = {
    # Files other engineers are editing now; their owners add the ids.
    "screening.yml": "screening questions and the opening",
    "handoff.yml": "the callback hand-off",
    "channels.yml": "the channels' own texts (SMS opt-out, HELP)",
    "service.yml": "errors on the assistant's side",
    "emergency_followup.yml": "after an emergency answer",
}
# Responses in other engineers' files that read above grade 8 today, with a
# rewrite proposed to their owners. The test fails if one is fixed and not
# removed from here, so the list only shrinks.
NOT_YET_PLAIN = {
    "utter_opening": "screening.yml",
    "utter_out_of_scope": "screening.yml",
}


# --- Loading -----------------------------------------------------------------
class _UniqueKeyLoader(yaml.SafeLoader):
    """A safe YAML loader that refuses duplicate keys.

    PyYAML silently keeps the last of two identical keys, so a response
    written twice in one file would otherwise lose a variant unnoticed.
    """

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> Dict[Any, Any]:
        seen = set()
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if key is not None and key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r}", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


class Variant(NamedTuple):
    """One variant of one response."""

    file: str
    response: str
    position: int
    data: Dict[str, Any]

    @property
    def channel(self) -> Optional[str]:
        return self.data.get("channel")

    @property
    def is_sms(self) -> bool:
        return self.channel == SMS_CHANNEL

    @property
    def is_web(self) -> bool:
        return self.channel is None

    @property
    def text(self) -> str:
        text = self.data.get("text")
        return text if isinstance(text, str) else ""

    @property
    def is_english(self) -> bool:
        """Spanish variants have `condition: language es` (emergency.yml)."""
        return not any(c.get("name") == "language" for c in self.data.get("condition") or [])

    @property
    def is_spanish(self) -> bool:
        return any(
            c.get("name") == LANGUAGE_SLOT and c.get("value") == SPANISH
            for c in self.data.get("condition") or []
        )

    @property
    def conditions(self) -> Tuple[Tuple[str, str], ...]:
        """The variant's conditions other than the language (e.g. screening_for he)."""
        return tuple(
            sorted(
                (str(c.get("name")), str(c.get("value")))
                for c in self.data.get("condition") or []
                if c.get("name") != LANGUAGE_SLOT
            )
        )

    @property
    def kind(self) -> Tuple[str, Tuple[Tuple[str, str], ...]]:
        """What a variant is for: its channel and its conditions other than the language."""
        return (self.channel or "web", self.conditions)

    @property
    def label(self) -> str:
        channel = self.channel or "web"
        return f"{self.file}: {self.response} variant {self.position + 1} ({channel})"


def content_files() -> List[Path]:
    """Every domain file with responses: domain/responses, and the others that have
    some (privacy.yml). Rasa reads .yml and .yaml."""
    files = [*DOMAIN_DIR.rglob("*.yml"), *DOMAIN_DIR.rglob("*.yaml")]
    return sorted(path for path in files if "responses" in (load_file(path) or {}))


@lru_cache(maxsize=None)
def load_file(path: Path) -> Any:
    with path.open(encoding="utf-8") as handle:
        return yaml.load(handle, Loader=_UniqueKeyLoader)


def responses_of(path: Path) -> Dict[str, Any]:
    data = load_file(path)
    if not isinstance(data, dict):
        return {}
    responses = data.get("responses")
    return responses if isinstance(responses, dict) else {}


def variants(file_name: Optional[str] = None) -> List[Variant]:
    """All variants in domain/responses, or only those in one file."""
    found = []
    for path in content_files():
        if file_name is not None and path.name != file_name:
            continue
        for name, response_variants in responses_of(path).items():
            for index, variant in enumerate(response_variants or []):
                if isinstance(variant, dict):
                    found.append(Variant(path.name, str(name), index, variant))
    return found


def clinical_variants() -> List[Variant]:
    return variants(CLINICAL_FILE)


def fail_if(problems: List[str], summary: str) -> None:
    assert not problems, summary + ":\n  " + "\n  ".join(problems)


# --- Text helpers -------------------------------------------------------------
def sentences(text: str) -> List[str]:
    """Split text into sentences at . ! or ? (and a closing quote) + space."""
    parts = re.split(r"(?<=[.!?])\s+|(?<=[.!?][\"')])\s+|\n+", text.strip())
    return [part for part in parts if re.search(r"[A-Za-z0-9]", part)]


def gsm7_septets(text: str) -> Optional[int]:
    """Septets the text takes in GSM-7, or None if it needs UCS-2."""
    total = 0
    for char in text:
        if char in GSM7_BASIC:
            total += 1
        elif char in GSM7_EXTENSION:
            total += 2
        else:
            return None
    return total


def non_gsm7_characters(text: str) -> List[str]:
    return sorted({c for c in text if c not in GSM7_BASIC and c not in GSM7_EXTENSION})


def with_slot_values(text: str) -> str:
    """The text as sent, with each {slot} replaced by a 20-character value."""
    return SLOT_PATTERN.sub(SLOT_SAMPLE_VALUE, text)


def all_strings(value: Any) -> List[str]:
    """Every string inside a variant (text, buttons, metadata, ...)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for item in value.values() for s in all_strings(item)]
    if isinstance(value, list):
        return [s for item in value for s in all_strings(item)]
    return []


# --- Self-checks of the helpers ----------------------------------------------
def test_helpers_measure_what_they_claim() -> None:
    assert len(GSM7_BASIC) == 127
    assert not GSM7_BASIC & GSM7_EXTENSION
    assert len(SLOT_SAMPLE_VALUE) == 20
    assert gsm7_septets("Call 911 now.") == 13
    assert gsm7_septets("[911]") == 7
    assert gsm7_septets("Call 911 \u2014 now") is None
    assert gsm7_septets("it\u2019s") is None
    assert reading_grade("The cat sat on the mat.") < 2
    assert reading_grade("Buprenorphine helps.") == reading_grade("Drug helps.")
    assert reading_grade("Call {admissions_phone} now.") == reading_grade("Call 877-345-8494 now.")
    assert (
        reading_grade("Pharmacological discontinuation necessitates individualized consideration.")
        > MAX_GRADE
    )
    assert sentences('Call 911. Say "stop." Then wait!') == [
        "Call 911.",
        'Say "stop."',
        "Then wait!",
    ]
    assert DOSE.search("take 4 mg") and DOSE.search("two milligrams")
    assert DIAGNOSIS.search("You may have a substance use disorder.")
    assert not DIAGNOSIS.search("If you have naloxone, give it.")
    assert STOP_ADVICE.search("You should stop taking it.")
    assert STIGMA.search("He is an addict.") and STIGMA.search("she's been clean for a year")
    assert not STIGMA.search("the person you're asking about")
    assert SEED_CLAIMS.search("The treatment is ceasing the drug.")
    assert SEED_CLAIMS.search("a clear indicator that the nervous system isn't working")
    assert SEED_CLAIMS.search("We guarantee a cure.")
    assert not SEED_CLAIMS.search("Treatment with methadone cuts the risk of dying by about half.")
    assert STIGMA_ES.search("Su hijo es un adicto.") and STIGMA_ES.search("el abuso de drogas")
    assert not STIGMA_ES.search("una persona que usa drogas; limpie la boca")
    assert gsm7_septets("¿Quedese con la persona? Llame al 911.") is not None
    assert gsm7_septets("está") is None and gsm7_septets("él") == 2


# --- Checks on every file in domain/responses -------------------------------------
def test_content_files_are_valid_response_files() -> None:
    problems = []
    files = content_files()
    if not files:
        problems.append(f"no .yml files in {CONTENT_DIR}")
    for path in files:
        try:
            data = load_file(path)
        except yaml.YAMLError as error:
            problems.append(f"{path.name}: not valid YAML: {error}")
            continue
        if not isinstance(data, dict):
            problems.append(f"{path.name}: the top level must be a mapping")
            continue
        responses = data.get("responses", {})
        if not isinstance(responses, dict):
            problems.append(f"{path.name}: `responses` must be a mapping")
            continue
        for name, response_variants in responses.items():
            if not str(name).startswith("utter_"):
                problems.append(f"{path.name}: {name}: name must start with utter_")
            if not isinstance(response_variants, list) or not response_variants:
                problems.append(f"{path.name}: {name}: needs a list of variants")
                continue
            for index, variant in enumerate(response_variants):
                if not isinstance(variant, dict):
                    problems.append(f"{path.name}: {name} variant {index + 1}: not a mapping")
                elif not any(
                    variant.get(key)
                    for key in ("text", "image", "custom", "attachment", "elements")
                ):
                    problems.append(f"{path.name}: {name} variant {index + 1}: empty")
    fail_if(problems, "Invalid response files in domain/responses")


def test_no_response_is_defined_twice() -> None:
    where: Dict[str, List[str]] = {}
    for path in content_files():
        for name in responses_of(path):
            where.setdefault(str(name), []).append(path.name)
    domain = yaml.safe_load((ROOT / "domain" / "core.yml").read_text(encoding="utf-8"))
    for name in (domain or {}).get("responses") or {}:
        where.setdefault(str(name), []).append("core.yml")
    problems = [
        f"{name}: defined in {', '.join(files)}"
        for name, files in sorted(where.items())
        if len(files) > 1
    ]
    fail_if(problems, "Responses defined more than once (Rasa keeps only one)")


def test_sms_variants_are_gsm7() -> None:
    problems = []
    for variant in variants():
        if not variant.is_sms:
            continue
        bad = non_gsm7_characters(with_slot_values(variant.text))
        if bad:
            shown = ", ".join(f"{c!r} (U+{ord(c):04X})" for c in bad)
            problems.append(f"{variant.label}: not GSM-7: {shown}")
    fail_if(problems, "SMS variants with characters outside GSM-7")


def test_sms_variants_fit_in_one_message() -> None:
    problems = []
    for variant in variants():
        if not variant.is_sms:
            continue
        sent = with_slot_values(variant.text)
        septets = gsm7_septets(sent)
        if septets is None:
            continue  # reported by test_sms_variants_are_gsm7
        if septets > SMS_MAX_SEPTETS:
            problems.append(
                f"{variant.label}: {septets} GSM-7 characters "
                f"(max {SMS_MAX_SEPTETS}, slots filled with "
                f"{len(SLOT_SAMPLE_VALUE)} characters): {sent!r}"
            )
    fail_if(problems, "SMS variants longer than one message")


def test_no_curly_quotes_or_typographic_dashes() -> None:
    problems = []
    for variant in variants():
        for string in all_strings(variant.data):
            for char in sorted(set(string) & set(TYPOGRAPHIC)):
                problems.append(f"{variant.label}: {TYPOGRAPHIC[char]} in {string!r}")
    for path in content_files():
        lines = path.read_text(encoding="utf-8").splitlines()
        for number, line in enumerate(lines, start=1):
            for char in sorted(set(line) & set(TYPOGRAPHIC)):
                problems.append(f"{path.name} line {number}: {TYPOGRAPHIC[char]}")
    fail_if(problems, "Curly quotes, em/en dashes or ellipsis characters")


def test_no_stop_advice_without_medical_help() -> None:
    problems = []
    for variant in variants():
        for sentence in sentences(variant.text):
            hits = [
                match.group(0)
                for match in STOP_ADVICE.finditer(sentence)
                if match.group(0) != STOP_ADVICE_KEYWORD_EXCEPTION
            ]
            lowered = sentence.lower()
            if hits and not any(w in lowered for w in STOP_ADVICE_REQUIRED_WORDS):
                problems.append(
                    f"{variant.label}: says {hits[0]!r} without 'doctor' or "
                    f"'medical' in the same sentence: {sentence!r}"
                )
    fail_if(problems, "Advice to stop or quit without medical help")


def test_no_doses() -> None:
    problems = [
        f"{variant.label}: mentions a dose {match.group(0)!r}"
        for variant in variants()
        for match in DOSE.finditer(variant.text)
    ]
    fail_if(problems, "Texts that give a dose")


def test_never_says_the_person_has_a_condition() -> None:
    problems = [
        f"{variant.label}: {match.group(0)!r} reads as a diagnosis"
        for variant in variants()
        for match in DIAGNOSIS.finditer(variant.text)
    ]
    fail_if(problems, "Texts that tell the person they have a condition")


# --- Checks on every response: facts, plain language, no stigma, no seed claims
def facts_exempt(variant: Variant) -> bool:
    return variant.file in FACTS_NOT_YET_CITED_FILES or any(
        fnmatch.fnmatch(variant.response, pattern) for pattern in FACTS_NOT_YET_CITED
    )


def test_the_sources_document_lists_each_fact_once_with_its_source() -> None:
    facts = load_facts()
    problems = []
    if len(facts) < 50:
        problems.append(f"only {len(facts)} facts read from {SOURCES_FILE.name}")
    for fact in facts.values():
        if fact.id.startswith("N") and not fact.source.strip():
            problems.append(f"{fact.id}: no *Source:*")
        if re.search(r"unverified|not confirmed|not retrieved", fact.text + fact.source, re.I):
            problems.append(f"{fact.id}: rests on something the notes did not verify")
    fail_if(problems, f"Facts in {SOURCES_FILE.name}")


def test_every_response_cites_known_facts() -> None:
    known = load_facts()
    problems = []
    for variant in variants():
        metadata = variant.data.get("metadata")
        cited = metadata.get("facts") if isinstance(metadata, dict) else None
        if not isinstance(cited, list) or not cited:
            # The exceptions may cite nothing yet; what they do cite is checked.
            if not facts_exempt(variant):
                problems.append(f"{variant.label}: no metadata.facts list")
            continue
        unknown = [str(fact) for fact in cited if fact not in known]
        if unknown:
            problems.append(f"{variant.label}: unknown fact ids {unknown}")
    fail_if(problems, f"Responses without known fact ids ({SOURCES_FILE.name})")


def test_the_temporary_exceptions_still_exist() -> None:
    files = {path.name for path in content_files()}
    names = {v.response for v in variants()}
    problems = [f"{name}: no such file" for name in FACTS_NOT_YET_CITED_FILES if name not in files]
    problems += [f"{name}: no such response" for name in NOT_YET_PLAIN if name not in names]
    fail_if(problems, "Exceptions to remove from this test")


def test_every_response_reads_at_grade_8_or_below() -> None:
    problems = []
    still_hard = set()
    for variant in variants():
        if not variant.text.strip() or not variant.is_english:
            continue
        grade = reading_grade(variant.text)
        if grade <= MAX_GRADE:
            continue
        if NOT_YET_PLAIN.get(variant.response) == variant.file:
            still_hard.add(variant.response)
            continue
        problems.append(
            f"{variant.label}: grade {grade:.1f} (max {MAX_GRADE:g}); use shorter "
            f"sentences and words: {variant.text!r}"
        )
    problems += [
        f"{name}: now reads at grade 8 or below; remove it from NOT_YET_PLAIN"
        for name in sorted(set(NOT_YET_PLAIN) - still_hard)
    ]
    fail_if(problems, "Responses that are too hard to read (textstat Flesch-Kincaid)")


# Spanish variants are not graded with the English formula but with textstat's
# Spanish setting: Fernandez-Huerta reading ease, 60 or more ("normal" or easier).
MIN_SPANISH_EASE = 60.0


def test_spanish_variants_read_easily_in_spanish() -> None:
    problems = []
    for variant in variants():
        if variant.is_english or not variant.text.strip():
            continue
        ease = spanish_reading_ease(variant.text)
        if ease < MIN_SPANISH_EASE:
            problems.append(f"{variant.label}: Fernandez-Huerta {ease:.0f}: {variant.text!r}")
    fail_if(problems, f"Spanish responses below reading ease {MIN_SPANISH_EASE:g}")


# Spanish labels to avoid (person-first: "una persona que usa drogas"): "adicto",
# "drogadicto", "abuso", "alcoholico", "borracho", "yonqui", "limpio" / "sucio"
# as labels.
STIGMA_ES = re.compile(
    r"\b(?:adict[oa]s?|drogadict[oa]s?|toxic[oó]man[oa]s?|drogatas?|yonquis?|vicios[oa]s?"
    r"|abus(?:o|os|ar|ador|adora|adores)|alcoh[oó]lic[oa]s?|borrach[oa]s?"
    r"|limpi[oa]s?|suci[oa]s?)\b",
    re.IGNORECASE,
)


def test_no_stigmatising_words_in_spanish() -> None:
    problems = [
        f"{variant.label}: {match.group(0)!r}; use person-first words"
        for variant in variants()
        if variant.is_spanish
        for match in STIGMA_ES.finditer(variant.text)
    ]
    fail_if(problems, "Stigmatising words in Spanish")


def test_no_stigmatising_words() -> None:
    problems = [
        f"{variant.label}: {match.group(0)!r}; use person-first words"
        for variant in variants()
        for match in STIGMA.finditer(variant.text)
    ]
    fail_if(problems, "Stigmatising words")


def test_none_of_the_seed_claims() -> None:
    problems = [
        f"{variant.label}: {match.group(0)!r} is a claim the clinical notes do not support"
        for variant in variants()
        for match in SEED_CLAIMS.finditer(variant.text)
    ]
    fail_if(problems, "Claims kept out of the content")


# --- Checks on the clinical files ------------------------------------------------
def test_clinical_responses_are_all_there_with_web_and_sms() -> None:
    clinical = responses_of(CONTENT_DIR / CLINICAL_FILE)
    everywhere = {v.response for v in variants()}
    problems = []
    for name in REQUIRED_CLINICAL_RESPONSES:
        if name not in clinical:
            problems.append(f"{name}: missing from {CLINICAL_FILE}")
    for name in REQUIRED_EMERGENCY_RESPONSES:
        if name not in everywhere:
            problems.append(f"{name}: missing from {CONTENT_DIR.name}/")
    by_response: Dict[str, List[Variant]] = {}
    for variant in clinical_variants():
        by_response.setdefault(variant.response, []).append(variant)
    for name, response_variants in sorted(by_response.items()):
        if not any(v.is_web and v.text.strip() for v in response_variants):
            problems.append(f"{name}: no web (channel-less) text variant")
        if not any(v.is_sms and v.text.strip() for v in response_variants):
            problems.append(f"{name}: no `channel: {SMS_CHANNEL}` text variant")
    fail_if(problems, f"Missing responses or variants in {CLINICAL_FILE}")


def test_emergency_answers_keep_the_emergency_numbers() -> None:
    problems = []
    clinical = variants()
    for name, numbers in EMERGENCY_NUMBERS.items():
        response_variants = [v for v in clinical if v.response == name]
        if not any(v.is_sms for v in response_variants):
            problems.append(f"{name}: no `channel: {SMS_CHANNEL}` variant")
        for variant in response_variants:
            for number in numbers:
                if number not in variant.text:
                    problems.append(f"{variant.label}: does not contain {number}")
    fail_if(problems, "Emergency answers without their emergency numbers")


def test_clinical_text_is_plain_ascii() -> None:
    """English text only: Spanish has accents (its SMS text is checked for GSM-7)."""
    problems = []
    for variant in clinical_variants():
        if not variant.is_english:
            continue
        odd = sorted({c for c in variant.text if not (c.isascii() and c.isprintable())})
        if odd:
            problems.append(f"{variant.label}: non-ASCII characters {odd!r}")
    fail_if(problems, f"Non-ASCII characters in {CLINICAL_FILE}")


def test_clinical_web_text_is_one_to_four_sentences() -> None:
    problems = []
    for variant in clinical_variants():
        if not variant.is_web:
            continue
        count = len(sentences(variant.text))
        if not 1 <= count <= WEB_MAX_SENTENCES:
            problems.append(f"{variant.label}: {count} sentences")
    fail_if(problems, f"Web texts longer than {WEB_MAX_SENTENCES} sentences")


# --- Spanish ---------------------------------------------------------------------
# Rasa picks the variant by the `language` slot (addons/nlu/language.py) and the
# output channel. Every English variant has a Spanish twin: the same channel,
# its conditions plus `language: es`, so a response added later in English only
# fails here.
LANGUAGE_SLOT = "language"
SPANISH = "es"
SUBJECT_SLOT = "screening_for"
NUMBER_PATTERN = re.compile(r"\d+")


def by_response() -> Dict[Tuple[str, str], List[Variant]]:
    found: Dict[Tuple[str, str], List[Variant]] = {}
    for variant in variants():
        found.setdefault((variant.file, variant.response), []).append(variant)
    return found


def spanish_twins() -> List[Tuple[Variant, Variant]]:
    """(English, Spanish) pairs of each response: same kind, in the order written."""
    pairs = []
    for response_variants in by_response().values():
        for kind in {v.kind for v in response_variants}:
            english = [v for v in response_variants if v.kind == kind and v.is_english]
            spanish = [v for v in response_variants if v.kind == kind and v.is_spanish]
            pairs += list(zip(english, spanish, strict=False))  # a missing twin: reported apart
    return pairs


def kind_label(kind: Tuple[str, Tuple[Tuple[str, str], ...]]) -> str:
    channel, conditions = kind
    return ", ".join([channel, *(f"{name} {value}" for name, value in conditions)])


def test_every_english_variant_has_a_spanish_twin() -> None:
    problems = []
    for (file, response), response_variants in sorted(by_response().items()):
        english = [v.kind for v in response_variants if v.is_english]
        spanish = [v.kind for v in response_variants if v.is_spanish]
        for kind in english:
            if english.count(kind) > spanish.count(kind):
                problems.append(f"{file}: {response}: no Spanish variant for {kind_label(kind)}")
        for kind in spanish:
            if kind not in english:
                problems.append(f"{file}: {response}: Spanish variant for {kind_label(kind)} only")
        last_english = max((v.position for v in response_variants if v.is_english), default=-1)
        first_spanish = min(
            (v.position for v in response_variants if v.is_spanish),
            default=len(response_variants),
        )
        if first_spanish < last_english:
            problems.append(f"{file}: {response}: a Spanish variant before an English one")
    fail_if(problems, "Responses without Spanish for each English channel and condition")


def test_spanish_twins_keep_placeholders_numbers_buttons_and_sources() -> None:
    problems = []
    for english, spanish in spanish_twins():
        # A Spanish twin fills in the Spanish form of a setting: {admissions_hours_es}.
        spanish_slots = {re.sub(r"_es}$", "}", slot) for slot in SLOT_PATTERN.findall(spanish.text)}
        if set(SLOT_PATTERN.findall(english.text)) != spanish_slots:
            problems.append(f"{spanish.label}: placeholders differ from {english.label}")
        missing = set(NUMBER_PATTERN.findall(english.text)) - set(
            NUMBER_PATTERN.findall(spanish.text)
        )
        if missing:
            problems.append(f"{spanish.label}: numbers {sorted(missing)} of the English missing")
        payloads = [b.get("payload") for b in english.data.get("buttons") or []]
        if payloads != [b.get("payload") for b in spanish.data.get("buttons") or []]:
            problems.append(f"{spanish.label}: button payloads differ from {english.label}")
        # The same facts and sources; a Spanish variant may add some, for what it
        # adds (utter_after_emergency gives SAMHSA's helpline, which answers in Spanish).
        for key in ("facts", "sources"):
            cited = set((spanish.data.get("metadata") or {}).get(key) or [])
            english_cites = (english.data.get("metadata") or {}).get(key) or []
            left_out = [item for item in english_cites if item not in cited]
            if left_out:
                problems.append(f"{spanish.label}: metadata.{key} leaves out {left_out}")
        if spanish.text.strip() == english.text.strip():
            problems.append(f"{spanish.label}: same text as the English")
    fail_if(problems, "Spanish variants that differ from their English twin")


def sms_choices_line(variant: Variant) -> str:
    """The line the SMS channel adds for buttons: "Reply 1 for Yes, 2 for No", or
    "Responda 1 para Si, 2 para No" in a Spanish conversation.

    addons/channels/sms_text.py renders it from utter_sms_choices and
    utter_sms_choice (channels.yml) in the conversation's language.
    """
    titles = [str(b.get("title") or "") for b in variant.data.get("buttons") or []]
    if not titles:
        return ""
    wording = {
        v.response: v.text
        for v in variants("channels.yml")
        if v.is_spanish == variant.is_spanish
        and v.response in ("utter_sms_choices", "utter_sms_choice")
    }
    choice = wording["utter_sms_choice"]
    choices = ", ".join(
        choice.replace("{number}", str(number)).replace("{title}", title)
        for number, title in enumerate(titles, start=1)
    )
    return wording["utter_sms_choices"].replace("{choices}", choices)


# Letters whose accent GSM-7 lacks: the SMS channel sends them without it.
UNACCENTED_BY_SMS = frozenset("áíóúÁÍÓÚ")


def sent_by_sms(variant: Variant) -> str:
    """The variant as one SMS: its text (slots filled), then its choices line, with
    the accents GSM-7 lacks taken off as the SMS channel does."""
    parts = (with_slot_values(variant.text), sms_choices_line(variant))
    return to_gsm7("\n".join(p for p in parts if p))


def test_spanish_text_that_sms_sends_is_gsm7_and_as_short_as_the_english() -> None:
    """What SMS sends in Spanish: the SMS variants, and the web ones without an SMS twin.

    Without a Spanish SMS twin, Rasa sends the Spanish web variant by SMS too,
    and the SMS channel writes á, í, ó and ú without their accent, which GSM-7
    lacks (addons/channels/sms_text.py), and drops anything else outside it.
    So an SMS variant is written in GSM-7, and a web variant SMS also sends
    has nothing outside GSM-7 but those four letters, button titles included
    (they become "Responda 1 para ..."). Where the English fits one text with
    its choices, so does the Spanish.
    """
    problems = []
    english_of = {spanish.label: english for english, spanish in spanish_twins()}
    for response_variants in by_response().values():
        spanish = [v for v in response_variants if v.is_spanish]
        with_sms = {v.conditions for v in spanish if v.is_sms}
        for variant in spanish:
            if not variant.is_sms and (not variant.is_web or variant.conditions in with_sms):
                continue
            titles = [str(b.get("title") or "") for b in variant.data.get("buttons") or []]
            # Button titles go through the SMS channel's choices line, always.
            text_may_have = frozenset() if variant.is_sms else UNACCENTED_BY_SMS
            checks = [(variant.text, text_may_have), *((t, UNACCENTED_BY_SMS) for t in titles)]
            for string, may_have in checks:
                bad = [
                    c for c in non_gsm7_characters(with_slot_values(string)) if c not in may_have
                ]
                if bad:
                    problems.append(f"{variant.label}: sent by SMS, not GSM-7 {bad}: {string!r}")
            english = english_of.get(variant.label)
            if english is None:
                continue
            length, english_length = (gsm7_septets(sent_by_sms(v)) for v in (variant, english))
            if english_length is not None and english_length <= SMS_MAX_SEPTETS:
                if length is not None and length > SMS_MAX_SEPTETS:
                    problems.append(
                        f"{variant.label}: {length} characters by SMS with its choices "
                        f"(the English fits one text): {sent_by_sms(variant)!r}"
                    )
    fail_if(problems, "Spanish text sent by SMS: outside GSM-7 or longer than one text")


def test_rasa_chooses_the_spanish_variant_for_the_person_asked_about() -> None:
    # Rasa alone picks at random among every variant whose conditions hold (the
    # English "he" one too): addons/patches/response_variants.py keeps the most specific.
    prefer_most_specific_variants()
    responses: Dict[str, List[Dict[str, Any]]] = {}
    for variant in variants():
        responses.setdefault(variant.response, []).append(variant.data)
    chooser = ResponseVariationFilter(responses)
    problems = []
    checked = 0
    for (_, response), response_variants in sorted(by_response().items()):
        for value in ("he", "she", "they"):
            subject = ((SUBJECT_SLOT, value),)
            twins = [v for v in response_variants if v.is_spanish and v.conditions == subject]
            for channel in ("rest", SMS_CHANNEL):
                expected = [v.data for v in twins if v.channel == channel] or [
                    v.data for v in twins if v.is_web
                ]
                if not expected:
                    continue
                checked += 1
                slots = {SUBJECT_SLOT: value, LANGUAGE_SLOT: SPANISH}
                fitting = chooser.responses_for_utter_action(response, channel, slots)
                if fitting != expected:
                    problems.append(f"{response} ({value}, {channel}): {len(fitting)} variants fit")
    if not checked:
        pytest.skip("no Spanish variants for someone else yet")
    fail_if(problems, "Spanish variants for someone else that Rasa may not choose")


def test_every_question_back_the_model_can_choose_has_an_answer() -> None:
    # A retrieval intent with examples but no response is chosen and then says nothing.
    answers = {name for path in CONTENT_DIR.glob("*.yml") for name in responses_of(path)}
    intents = {
        str(item["intent"])
        for path in (ROOT / "data" / "nlu").glob("*.yml")
        for item in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu") or []
        if "intent" in item
    }
    missing = sorted(i for i in intents if "/" in i and f"utter_{i}" not in answers)
    assert not missing, f"retrieval intents with no response: {missing}"
