"""The answer about stopping a substance follows the substance the message names, and
an answer the selector is unsure of is left to admissions."""

from typing import Any, Dict, List

from rasa.shared.nlu.training_data.message import Message

from addons.nlu.faq import FaqResponseSelector

RESPONSES = {
    f"utter_faq/{name}": [{"text": name}]
    for name in ("stop_opioids", "stop_benzos", "stop_drinking", "cost", "for_admissions")
}


def selector() -> FaqResponseSelector:
    """The selector's choosing after the model, without a trained model."""
    chosen: FaqResponseSelector = object.__new__(FaqResponseSelector)
    chosen.retrieval_intent = "faq"
    chosen.responses = RESPONSES
    chosen.component_config = FaqResponseSelector.get_default_config()
    return chosen


SELECTOR = selector()


def selected(key: str, entities: List[str], confidence: float = 0.9) -> Dict[str, Any]:
    message = Message(
        data={
            "text": "…",
            "entities": [{"entity": entity, "value": entity} for entity in entities],
            "response_selector": {
                "faq": {
                    "response": {
                        "intent_response_key": key,
                        "utter_action": f"utter_{key}",
                        "responses": RESPONSES[f"utter_{key}"],
                        "confidence": confidence,
                    }
                }
            },
        }
    )
    SELECTOR._fit_stop_answer(message)
    SELECTOR._admit_an_unsure_answer(message)
    return message.get("response_selector")["faq"]["response"]


def test_a_benzo_named_gets_the_benzo_answer() -> None:
    response = selected("faq/stop_drinking", ["benzodiazepine"])
    assert response["intent_response_key"] == "faq/stop_benzos"
    assert response["utter_action"] == "utter_faq/stop_benzos"
    assert response["responses"] == [{"text": "stop_benzos"}]


def test_an_opioid_named_gets_the_opioid_answer() -> None:
    assert selected("faq/stop_benzos", ["opioid"])["intent_response_key"] == "faq/stop_opioids"


def test_the_answer_stays_when_it_fits_or_several_kinds_are_named() -> None:
    assert selected("faq/stop_benzos", ["benzodiazepine"])["intent_response_key"] == (
        "faq/stop_benzos"
    )
    assert (
        selected("faq/stop_drinking", ["alcohol", "benzodiazepine"])["intent_response_key"]
        == "faq/stop_drinking"
    )
    assert selected("faq/stop_drinking", [])["intent_response_key"] == "faq/stop_drinking"


def test_other_answers_are_left_alone() -> None:
    assert selected("faq/cost", ["benzodiazepine"])["intent_response_key"] == "faq/cost"


def test_an_unsure_answer_is_left_to_admissions() -> None:
    response = selected("faq/cost", [], confidence=0.28)
    assert response["intent_response_key"] == "faq/for_admissions"
    assert response["utter_action"] == "utter_faq/for_admissions"
    assert selected("faq/cost", [], confidence=0.5)["intent_response_key"] == "faq/cost"
