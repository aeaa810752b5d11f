"""What a named substance is, from the lexicon's reading of the message."""

from typing import Any, Dict

import pytest

from actions.what_is import asked_about, response_for, substance_said


def entity(kind: str, value: str, text: str, word: str) -> Dict[str, Any]:
    start = text.index(word)
    return {"entity": kind, "value": value, "start": start, "end": start + len(word)}


@pytest.mark.parametrize(
    "text,word,kind,value,response,said",
    [
        ("what are percs", "percs", "opioid", "oxycodone", "utter_what_is_opioid",
         "Percs (oxycodone)"),
        ("what is fentanyl", "fentanyl", "opioid", "fentanyl", "utter_what_is_opioid",
         "Fentanyl"),
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
