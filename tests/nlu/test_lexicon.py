"""The lexicon files in data/lexicon/, through the pipeline that runs them.

The data checks read the YAML (and the loader the components train with);
every lookup goes through the trained entity extractor (tests/nlu/pipeline.py):
a substance is "found" when the extractor gives an entity for it.
"""

from pathlib import Path
from typing import Any, Dict, List

import pytest
import yaml

from addons.nlu.entities import EXACT_CONFIDENCE, FUZZY_CONFIDENCE
from storage.lexicon import (
    BODY_PARTS,
    DEFAULT_SUBSTANCES_PATH,
    DEFAULT_TWITCHING_PATH,
    REPO_ROOT,
    SUBSTANCE_CLASSES,
    TWITCH_TIMINGS,
    damerau_levenshtein,
    load_substances,
    load_twitching,
    normalise,
)
from tests.nlu.pipeline import Entity, Pipeline

SUBSTANCE_LABELS = {"opioid", "benzodiazepine", "alcohol", "other_substance"}

EXPECTED_NAMES = {
    "opioid": [
        "oxycodone",
        "hydrocodone",
        "fentanyl",
        "heroin",
        "morphine",
        "codeine",
        "methadone",
        "buprenorphine",
        "tramadol",
        "hydromorphone",
        "oxymorphone",
        "opioid",
    ],
    "benzodiazepine": [
        "alprazolam",
        "clonazepam",
        "diazepam",
        "lorazepam",
        "temazepam",
        "chlordiazepoxide",
        "benzodiazepine",
    ],
    "alcohol": ["alcohol"],
    "other": ["gabapentin", "kratom", "cocaine", "methamphetamine", "cannabis"],
}

# Ordinary words that DEA lists as slang: never a substance on their own.
AMBIGUOUS_WORDS = [
    "boy",
    "food",
    "blues",
    "bars",
    "bar",
    "girl",
    "white girl",
    "h",
    "k",
    "d",
    "m",
    "f",
    "dope",
    "tar",
    "fire",
    "friend",
    "dragon",
    "horse",
    "junk",
    "candy",
    "downers",
    "beans",
    "buttons",
    "juice",
    "mud",
    "pin",
    "pins",
    "smack",
    "lean",
    "subs",
    "coke",
    "crack",
    "blow",
    "speed",
    "ice",
    "weed",
    "pot",
    "joints",
    "sleeping pills",
]


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory: pytest.TempPathFactory) -> Pipeline:
    return Pipeline(tmp_path_factory.mktemp("model"))


@pytest.fixture(scope="module")
def raw_substances() -> List[Dict[str, Any]]:
    return yaml.safe_load(DEFAULT_SUBSTANCES_PATH.read_text())["substances"]


def found(pipeline: Pipeline, text: str, labels: Any = SUBSTANCE_LABELS) -> List[Entity]:
    """The entities with these labels, in order."""
    return [e for e in pipeline.entities(text) if e["entity"] in labels]


def values(pipeline: Pipeline, text: str, labels: Any = SUBSTANCE_LABELS) -> List[str]:
    """Their canonical values, without repeats."""
    return list(dict.fromkeys(e["value"] for e in found(pipeline, text, labels)))


# ------------------------------------------------------------ data sanity


def test_default_paths_are_in_the_repo_not_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert DEFAULT_SUBSTANCES_PATH == REPO_ROOT / "data" / "lexicon" / "substances.yml"
    assert load_substances().substances and load_twitching().body_parts
    pipeline = Pipeline(tmp_path / "model")  # the components' default paths
    assert values(pipeline, "xanax") == ["alprazolam"]
    assert values(pipeline, "legs", {"body_part"}) == ["legs"]


def test_sources_are_named_at_the_top_of_the_substance_file() -> None:
    header = DEFAULT_SUBSTANCES_PATH.read_text().split("\n\n")[0]
    for source in ("DEA-HOU-DIR-022-18", "2017", "NIDA"):
        assert source in header


def test_every_entry_has_a_valid_class_and_a_lower_case_name(
    raw_substances: List[Dict[str, Any]],
) -> None:
    for entry in raw_substances:
        assert entry["class"] in SUBSTANCE_CLASSES, entry["name"]
        assert entry["name"] == entry["name"].strip().lower()


def test_the_expected_substances_are_there() -> None:
    classes = {s.name: s.substance_class for s in load_substances().substances}
    for substance_class, names in EXPECTED_NAMES.items():
        for name in names:
            assert classes[name] == substance_class


def test_no_surface_form_maps_to_two_canonical_names(
    raw_substances: List[Dict[str, Any]],
) -> None:
    owner: Dict[str, str] = {}
    for entry in raw_substances:
        forms = [entry["name"], *entry["brands"], *entry["street"], *entry["misspellings"]]
        forms += [word for rule in entry["in_context"] for word in rule["words"]]
        for form in forms:
            key = normalise(form)
            assert (
                owner.setdefault(key, entry["name"]) == entry["name"]
            ), f"{form!r} is listed for {owner[key]} and {entry['name']}"


def test_loading_rejects_a_form_listed_for_two_substances(tmp_path: Path) -> None:
    path = tmp_path / "substances.yml"
    path.write_text(
        "substances:\n"
        "  - {name: diazepam, class: benzodiazepine, brands: [valium]}\n"
        "  - {name: alprazolam, class: benzodiazepine, street: [Valium]}\n"
    )
    with pytest.raises(ValueError, match="valium"):
        load_substances(path)


@pytest.mark.parametrize(
    "entry",
    [
        "{name: heroin, class: opiate}",  # unknown class
        "{name: heroin, class: opioid, street: [smack, on]}",  # YAML boolean
        "{name: heroin, class: opioid, in_context: [{words: [dope], before: [nope]}]}",
    ],
)
def test_loading_rejects_malformed_entries(tmp_path: Path, entry: str) -> None:
    path = tmp_path / "substances.yml"
    path.write_text(f"substances:\n  - {entry}\n")
    with pytest.raises(ValueError):
        load_substances(path)


@pytest.mark.parametrize("word", AMBIGUOUS_WORDS)
def test_ambiguous_words_are_not_matched_alone(pipeline: Pipeline, word: str) -> None:
    assert found(pipeline, word) == []
    assert found(pipeline, f"the {word} was there") == []


def test_context_words_are_never_standalone_forms() -> None:
    substances = load_substances().substances
    forms = {normalise(form) for s in substances for form in s.surface_forms}
    for substance in substances:
        context_words = {word for rule in substance.in_context for word in rule.words}
        assert not context_words & forms, substance.name


# ------------------------------------------------------------ names on their own


@pytest.mark.parametrize(
    ("surface", "name"),
    [
        ("Xanax", "alprazolam"),
        ("  XANEX ", "alprazolam"),
        ("zanax", "alprazolam"),
        ("xannies", "alprazolam"),
        ("xanax   bars", "alprazolam"),
        ("klonopen", "clonazepam"),
        ("klonipin", "clonazepam"),
        ("K-Pin", "clonazepam"),
        ("k pin", "clonazepam"),
        ("oxy", "oxycodone"),
        ("oxycotin", "oxycodone"),
        ("percocets", "oxycodone"),
        ("percs", "oxycodone"),
        ("fentanil", "fentanyl"),
        ("fetty", "fentanyl"),
        ("suboxen", "buprenorphine"),
        ("methadon", "methadone"),
        ("hydros", "hydrocodone"),
        ("vicodine", "hydrocodone"),
        ("ativin", "lorazepam"),
        ("vallium", "diazepam"),
        ("opiates", "opioid"),
        ("pain pills", "opioid"),
        ("painkillers", "opioid"),
        ("dope sick", "opioid"),
        ("benzos", "benzodiazepine"),
        ("nerve pills", "benzodiazepine"),
        ("tranks", "benzodiazepine"),
        ("beer", "alcohol"),
        ("booze", "alcohol"),
        ("drinking", "alcohol"),
        ("Tito's", "alcohol"),
        ("titos", "alcohol"),
        ("tranq", "xylazine"),
        ("meth", "methamphetamine"),
        ("kratom", "kratom"),
    ],
)
def test_exact_forms(pipeline: Pipeline, surface: str, name: str) -> None:
    entities = found(pipeline, surface)
    assert [e["value"] for e in entities] == [name]
    assert entities[0]["confidence_entity"] == EXACT_CONFIDENCE


def test_substances_carry_their_class_as_entity_label(pipeline: Pipeline) -> None:
    labels = [(e["entity"], e["value"]) for e in found(pipeline, "xanax and kratom")]
    assert labels == [("benzodiazepine", "alprazolam"), ("other_substance", "kratom")]


@pytest.mark.parametrize(
    ("typo", "name"),
    [
        ("xanaxx", "alprazolam"),  # 6 letters, 1 edit
        ("vaium", "diazepam"),  # 5 letters, 1 edit
        ("vailum", "diazepam"),  # swapped letters count as one edit
        ("ativun", "lorazepam"),
        ("fentanly", "fentanyl"),
        ("klonopinn", "clonazepam"),
        ("klonazepan", "clonazepam"),  # 10 letters, 2 edits
        ("tramedal", "tramadol"),  # 8 letters, 2 edits
        ("gabapentn", "gabapentin"),
        ("oxycodome", "oxycodone"),
        ("Suboxome", "buprenorphine"),
    ],
)
def test_typos_are_guessed(pipeline: Pipeline, typo: str, name: str) -> None:
    entities = found(pipeline, typo)
    assert [e["value"] for e in entities] == [name]
    assert entities[0]["confidence_entity"] == FUZZY_CONFIDENCE  # not an exact form


@pytest.mark.parametrize(
    "word",
    [
        "oxyy",  # 4 letters: too short to guess
        "atyvun",  # 6 letters, 2 edits
        "klonazapan",  # 10 letters, 3 edits
        "zanaxx",  # 2 edits from xanax
        "ritalin",  # not in the lexicon
    ],
)
def test_typos_are_not_stretched(pipeline: Pipeline, word: str) -> None:
    assert found(pipeline, word) == []


@pytest.mark.parametrize(
    "word",
    [
        "extra",
        "taxes",
        "bars",
        "first",
        "phone",
        "heron",
        "herein",
        "morphing",
        "ultra",
        "model",
        "models",
        "doors",
        "thinking",
        "restored",
        "weeks",
        "value",
    ],
)
def test_common_words_are_never_guessed(pipeline: Pipeline, word: str) -> None:
    assert found(pipeline, word) == []


def test_a_typo_between_two_substances_is_not_guessed(tmp_path: Path) -> None:
    substances = tmp_path / "substances.yml"
    substances.write_text(
        "substances:\n" "  - {name: abcdef, class: other}\n" "  - {name: abcdeg, class: other}\n"
    )
    common_words = tmp_path / "common_words.yml"
    common_words.write_text("words: []\n")
    config = {"substances": str(substances), "common_words": str(common_words)}
    pipeline = Pipeline(tmp_path / "model", extractor=config)
    assert found(pipeline, "abcdex") == []
    assert values(pipeline, "abcdeff") == ["abcdef"]


def test_damerau_levenshtein() -> None:
    assert damerau_levenshtein("xanax", "xanax") == 0
    assert damerau_levenshtein("valium", "vailum") == 1
    assert damerau_levenshtein("kitten", "sitting") == 3
    assert damerau_levenshtein("", "abc") == 3


# ------------------------------------------------------------ names in text


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("been on xannies and percs for like 2 weeks", ["alprazolam", "oxycodone"]),
        ("popping bars and shooting dope", ["alprazolam", "heroin"]),
        ("popped half a bar", ["alprazolam"]),
        ("my dope habit", ["heroin"]),
        ("i'm on subs", ["buprenorphine"]),
        ("took klonopinn and fentanly", ["clonazepam", "fentanyl"]),
        ("xanax bars, xanax and more xanax", ["alprazolam"]),
        ("the bars near my house are loud", []),
        ("i ate a candy bar", []),
        ("i had a few beers", ["alcohol"]),
    ],
)
def test_substances_in_free_text(pipeline: Pipeline, text: str, names: List[str]) -> None:
    assert values(pipeline, text) == names


# ------------------------------------------------------------ twitching


def test_twitching_values_are_the_canonical_ones() -> None:
    twitching = load_twitching()
    assert [group.value for group in twitching.body_parts] == list(BODY_PARTS)
    assert [group.value for group in twitching.timings] == list(TWITCH_TIMINGS)


def test_no_twitching_phrase_maps_to_two_values() -> None:
    data = yaml.safe_load(DEFAULT_TWITCHING_PATH.read_text())
    for section in ("body_parts", "timings"):
        owner: Dict[str, str] = {}
        for value, spec in data[section].items():
            for phrase in spec["phrases"]:
                key = normalise(phrase)
                assert owner.setdefault(key, value) == value, (section, phrase)


@pytest.mark.parametrize(
    ("surface", "value"),
    [
        ("leg", "legs"),
        ("Calves", "legs"),
        ("thigh", "legs"),
        ("feet", "legs"),
        ("toes", "legs"),
        ("arm", "arms"),
        ("hands", "arms"),
        ("fingers", "arms"),
        ("shoulder", "arms"),
        ("eyelid", "face"),
        ("jaw", "face"),
        ("cheek", "face"),
        ("stomach", "trunk"),
        ("belly", "trunk"),
        ("chest", "trunk"),
        ("lower back", "trunk"),
        ("whole body", "whole_body"),
        ("all over", "whole_body"),
        ("everywhere", "whole_body"),
        ("entire body", "whole_body"),
    ],
)
def test_body_parts(pipeline: Pipeline, surface: str, value: str) -> None:
    assert values(pipeline, surface, {"body_part"}) == [value]


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("my back twitches", ["trunk"]),
        ("my face and my left hand", ["face", "arms"]),
        ("my lip keeps jumping", ["face"]),
        ("eye twitching", ["face"]),
        ("my whole body jerks", ["whole_body"]),
        ("i'll get back to you", []),
        ("on the other hand", []),
        ("keep an eye on it", []),
        ("my side effects", []),
    ],
)
def test_body_parts_in_context(pipeline: Pipeline, text: str, parts: List[str]) -> None:
    assert values(pipeline, text, {"body_part"}) == parts


@pytest.mark.parametrize(
    ("surface", "value"),
    [
        ("falling asleep", "falling_asleep"),
        ("at night", "falling_asleep"),
        ("in bed", "falling_asleep"),
        ("when I sleep", "falling_asleep"),
        ("drifting off", "falling_asleep"),
        ("trying to sleep", "falling_asleep"),
        ("sitting still", "at_rest"),
        ("at rest", "at_rest"),
        ("when i relax", "at_rest"),
        ("lying down", "at_rest"),
        ("watching TV", "at_rest"),
        ("all the time", "all_the_time"),
        ("all day", "all_the_time"),
        ("constantly", "all_the_time"),
        ("nonstop", "all_the_time"),
        ("24/7", "all_the_time"),
        ("startled", "when_startled"),
        ("loud noise", "when_startled"),
        ("when someone touches me", "when_startled"),
        ("jumpy", "when_startled"),
    ],
)
def test_timings(pipeline: Pipeline, surface: str, value: str) -> None:
    assert values(pipeline, surface, {"twitch_timing"}) == [value]


def test_timings_in_free_text(pipeline: Pipeline) -> None:
    timings = {"twitch_timing"}
    assert values(pipeline, "it's always twitching at night", timings) == [
        "all_the_time",
        "falling_asleep",
    ]
    assert values(pipeline, "my leg fell asleep", timings) == []
    assert values(pipeline, "never touched benzos", timings) == []


def test_loading_rejects_a_boolean_in_a_duration_pattern(tmp_path: Path) -> None:
    path = tmp_path / "twitching.yml"
    path.write_text("durations:\n  patterns:\n    - [{LOWER: {IN: [back, off]}}]\n")
    with pytest.raises(ValueError):
        load_twitching(path)


def test_duration_patterns_are_token_pattern_data() -> None:
    twitching = load_twitching()
    assert twitching.duration_patterns
    for pattern in twitching.duration_patterns:
        assert all(isinstance(token, dict) and token for token in pattern)
