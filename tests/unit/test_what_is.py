"""What a named substance is, from the lexicon's reading of the message."""

from typing import Any, Dict

import pytest

from actions.what_is import asked_about, response_for, substance_said
from tests.support.content import responses


def entity(kind: str, value: str, text: str, word: str) -> Dict[str, Any]:
    start = text.index(word)
    return {"entity": kind, "value": value, "start": start, "end": start + len(word)}


@pytest.mark.parametrize(
    "text,word,kind,value,response,said",
    [
        ("what are percs", "percs", "opioid", "oxycodone", "utter_what_is_opioid",
         "Percs (oxycodone)"),
        ("what is fentanyl", "fentanyl", "opioid", "fentanyl", "utter_what_is_fentanyl",
         "Fentanyl"),
        # Treatment medicines get their own answer: keep taking them.
        ("what is suboxone", "suboxone", "opioid", "buprenorphine", "utter_what_is_moud",
         "Suboxone (buprenorphine)"),
        ("is methadone an opioid", "methadone", "opioid", "methadone", "utter_what_is_moud",
         "Methadone"),
        ("what are bars", "bars", "benzodiazepine", "alprazolam", "utter_what_is_benzo",
         "Bars (alprazolam)"),
        ("is gabapentin a benzo", "gabapentin", "other_substance", "gabapentin",
         "utter_what_is_gabapentinoid", "Gabapentin"),
        ("is kratom an opioid", "kratom", "other_substance", "kratom", "utter_what_is_kratom",
         "Kratom"),
        ("what are blues", "blues", "opioid", "opioid", "utter_what_is_opioid", "Blues"),
    ],
)  # fmt: skip
def test_each_class_gets_its_answer_with_the_name_typed(
    text: str, word: str, kind: str, value: str, response: str, said: str
) -> None:
    found = entity(kind, value, text, word)
    assert response_for(found) == response
    assert substance_said(text, found) == said


def test_a_substance_the_lexicon_has_no_answer_for_gets_none() -> None:
    assert response_for({"entity": "other_substance", "value": "cannabis"}) is None


def test_the_class_word_in_the_question_is_not_what_is_asked_about() -> None:
    text = "is kratom an opioid"
    kratom = entity("other_substance", "kratom", text, "kratom")
    opioid = entity("opioid", "opioid", text, "opioid")
    assert asked_about(text, [kratom, opioid]) == [kratom]
    blues = entity("opioid", "opioid", "what are blues", "blues")
    assert asked_about("what are blues", [blues]) == [blues]
    benzo = entity("benzodiazepine", "benzodiazepine", "what is a benzo", "benzo")
    assert asked_about("what is a benzo", [benzo]) == []


def test_street_names_read_only_in_context_are_found_word_by_word() -> None:
    assert asked_about("what are bars", []) == [
        {"entity": "benzodiazepine", "value": "alprazolam", "start": 9, "end": 13}
    ]
    assert asked_about("whats dope", [])[0]["value"] == "heroin"
    assert asked_about("is it bad", []) == []


def test_the_treatment_answer_says_keep_taking_it_and_every_answer_fits_one_text() -> None:
    """No "is an opioid" alone for methadone or buprenorphine;
    the answers have no SMS variant, so each fits one text with a long name filled in."""
    found = responses()
    moud = found["utter_what_is_moud"][0]["text"]
    assert "keep taking it as prescribed" in moud.lower() and "clinic" in moud
    assert "seizures" in found["utter_what_is_benzo"][0]["text"]
    assert "not an opioid" not in found["utter_what_is_kratom"][0]["text"]
    for name, variants in found.items():
        if name.startswith("utter_what_is_"):
            text = variants[0]["text"].replace("{substance}", "Suboxone (buprenorphine)")
            text = text.replace("{admissions_phone}", "(877) 345-8494 x1234")
            assert len(text) <= 160, (name, len(text), text)


def test_the_class_itself_is_answered_when_no_name_is_asked_about() -> None:
    from actions.what_is import class_answer

    assert class_answer([{"entity": "benzodiazepine", "value": "benzodiazepine"}]) == (
        "utter_what_are_benzos"
    )
    assert class_answer([]) == "utter_what_is_unknown"
