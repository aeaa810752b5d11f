"""The spaCy entity ruler that training writes into the model: real texted sentences.

LexiconEntityExtractor compiles data/lexicon into a blank English pipeline
with one entity ruler and writes it into its model storage; these tests load
it back as a trained model does and run sentences through the extractor
(tests/nlu/pipeline.py), typo matching included.
"""

from pathlib import Path
from typing import Set, Tuple

import pytest
import spacy

from addons.nlu.entities import RULER_DIR, TYPOS_FILE, LexiconEntityExtractor
from tests.nlu.pipeline import Pipeline, train

LABELS = {
    "opioid",
    "benzodiazepine",
    "alcohol",
    "other_substance",
    "body_part",
    "twitch_timing",
    "duration",
}
SUBSTANCE_LABELS = {"opioid", "benzodiazepine", "alcohol", "other_substance"}

Found = Set[Tuple[str, str]]


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory: pytest.TempPathFactory) -> Pipeline:
    return Pipeline(tmp_path_factory.mktemp("model"))


def entities(pipeline: Pipeline, text: str) -> Found:
    """(label, value) pairs."""
    return {(e["entity"], e["value"]) for e in pipeline.entities(text)}


def labels(pipeline: Pipeline, text: str) -> Set[str]:
    return {label for label, _ in entities(pipeline, text)}


def test_the_model_holds_a_blank_english_entity_ruler(tmp_path: Path) -> None:
    _, storage, resource = train(LexiconEntityExtractor, {}, tmp_path)
    with storage.read_from(resource) as directory:
        nlp = spacy.load(directory / RULER_DIR)
        assert (directory / TYPOS_FILE).is_file()
    assert nlp.lang == "en"
    assert nlp.pipe_names == ["entity_ruler"]
    assert set(nlp.get_pipe("entity_ruler").labels) == LABELS


# ------------------------------------------------------------ the brief's sentences


def test_legs_at_night_since_starting_oxy(pipeline: Pipeline) -> None:
    found = entities(pipeline, "my legs jerk at night since i started oxy")
    assert found == {
        ("body_part", "legs"),
        ("twitch_timing", "falling_asleep"),
        ("duration", "since i started"),
        ("opioid", "oxycodone"),
    }


def test_xannies_and_percs_for_two_weeks(pipeline: Pipeline) -> None:
    found = entities(pipeline, "been on xannies and percs for like 2 weeks")
    assert found == {
        ("benzodiazepine", "alprazolam"),
        ("opioid", "oxycodone"),
        ("duration", "for like 2 weeks"),
    }


def test_never_touched_benzos(pipeline: Pipeline) -> None:
    assert entities(pipeline, "never touched benzos") == {("benzodiazepine", "benzodiazepine")}


def test_a_few_beers(pipeline: Pipeline) -> None:
    assert entities(pipeline, "i had a few beers") == {("alcohol", "alcohol")}


def test_bars_near_the_house_are_not_a_substance(pipeline: Pipeline) -> None:
    assert not labels(pipeline, "the bars near my house are loud") & SUBSTANCE_LABELS


# ------------------------------------------------------------ more texts


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("XANAX", ("benzodiazepine", "alprazolam")),
        ("klonopen and klonipin", ("benzodiazepine", "clonazepam")),
        ("k-pins", ("benzodiazepine", "clonazepam")),
        ("i take ativin", ("benzodiazepine", "lorazepam")),
        ("vallium", ("benzodiazepine", "diazepam")),
        ("fetty and fentanil", ("opioid", "fentanyl")),
        ("suboxen", ("opioid", "buprenorphine")),
        ("i'm on subs now", ("opioid", "buprenorphine")),
        ("methadon clinic", ("opioid", "methadone")),
        ("hydros and vicodine", ("opioid", "hydrocodone")),
        ("oxycotin", ("opioid", "oxycodone")),
        ("tylenol #3", ("opioid", "codeine")),
        ("sipping lean", ("opioid", "codeine")),
        ("shooting dope", ("opioid", "heroin")),
        ("popping blues", ("opioid", "opioid")),
        ("pain pills", ("opioid", "opioid")),
        ("popping bars", ("benzodiazepine", "alprazolam")),
        ("nerve pills", ("benzodiazepine", "benzodiazepine")),
        ("a fifth of vodka a day", ("alcohol", "alcohol")),
        ("I smoke weed", ("other_substance", "cannabis")),
        ("kratom", ("other_substance", "kratom")),
        ("tranq dope", ("other_substance", "xylazine")),
    ],
)
def test_substances_in_texts(pipeline: Pipeline, text: str, expected: Tuple[str, str]) -> None:
    assert expected in entities(pipeline, text)


@pytest.mark.parametrize(
    "text",
    [
        "the boy ate food with his friend",
        "i love the blues",
        "my joints hurt",
        "keep an eye on the dog",
        "white girl",
        "i got candy and juice",
        "he gave me a pin",
    ],
)
def test_ordinary_words_are_not_substances(pipeline: Pipeline, text: str) -> None:
    assert not labels(pipeline, text) & SUBSTANCE_LABELS


def test_the_longest_match_wins(pipeline: Pipeline) -> None:
    text = "popping xanax bars and my shoulder blades twitch"
    found = [
        (text[e["start"] : e["end"]], e["entity"], e["value"]) for e in pipeline.entities(text)
    ]
    assert found == [
        ("xanax bars", "benzodiazepine", "alprazolam"),
        ("shoulder blades", "body_part", "trunk"),
    ]


def test_drinking_lean_is_codeine_not_alcohol(pipeline: Pipeline) -> None:
    assert entities(pipeline, "drinking lean") == {("opioid", "codeine")}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("my calves and feet", {("body_part", "legs")}),
        ("my hands shake", {("body_part", "arms")}),
        ("my left hand", {("body_part", "arms")}),
        ("my eyelid and lips", {("body_part", "face")}),
        ("face twitching", {("body_part", "face")}),
        ("my back and belly", {("body_part", "trunk")}),
        ("my whole body", {("body_part", "whole_body")}),
        ("all over", {("body_part", "whole_body")}),
        ("i'll get back to you", set()),
        ("on the other hand", set()),
        ("my side effects", set()),
    ],
)
def test_body_parts_in_texts(pipeline: Pipeline, text: str, expected: Found) -> None:
    assert {e for e in entities(pipeline, text) if e[0] == "body_part"} == expected


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("when i'm trying to sleep", "falling_asleep"),
        ("drifting off", "falling_asleep"),
        ("in bed", "falling_asleep"),
        ("when im sitting still", "at_rest"),
        ("watching tv", "at_rest"),
        ("all the time", "all_the_time"),
        ("24/7", "all_the_time"),
        ("it's always twitching", "all_the_time"),
        ("when someone touches me", "when_startled"),
        ("loud noises", "when_startled"),
        ("i'm jumpy", "when_startled"),
    ],
)
def test_timings_in_texts(pipeline: Pipeline, text: str, value: str) -> None:
    assert ("twitch_timing", value) in entities(pipeline, text)


@pytest.mark.parametrize(
    "text",
    [
        "my leg fell asleep",
        "never touched benzos",
        "i always take 2",
        "i drink every night",
        "my dad is on the floor not moving",
    ],
)
def test_no_timing_in_texts(pipeline: Pipeline, text: str) -> None:
    assert "twitch_timing" not in labels(pipeline, text)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("2 weeks", "2 weeks"),
        ("for three days", "for three days"),
        ("since last month", "since last month"),
        ("a few days", "a few days"),
        ("maybe a couple of weeks", "maybe a couple of weeks"),
        ("months", "months"),
        ("it's been months", "been months"),
        ("since yesterday", "since yesterday"),
        ("a year", "a year"),
        ("about a year ago", "about a year ago"),
        ("since christmas", "since christmas"),
        ("for the past 2-3 weeks", "for the past 2-3 weeks"),
        ("a week or two", "a week or two"),
        ("For A While", "for a while"),
        ("started on monday", "started on monday"),
        ("last week", "last week"),
        ("for the past week", "for the past week"),
        ("since i cut back on xanax", "since i cut back"),
    ],
)
def test_durations(pipeline: Pipeline, text: str, value: str) -> None:
    assert ("duration", value) in entities(pipeline, text)


@pytest.mark.parametrize(
    "text",
    [
        "i take 3 pills a day",
        "once in a while",
        "some days are worse",
        "who won the game last night",
        "how many weeks till summer",
    ],
)
def test_frequencies_are_not_durations(pipeline: Pipeline, text: str) -> None:
    assert "duration" not in labels(pipeline, text)
