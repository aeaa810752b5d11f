"""The lexicon data in data/lexicon/ and the pure-Python loader around it."""

from pathlib import Path
from typing import Any, Dict, List

import pytest
import yaml

from storage.lexicon import (
    BODY_PARTS,
    DEFAULT_SUBSTANCES_PATH,
    DEFAULT_TWITCHING_PATH,
    REPO_ROOT,
    SUBSTANCE_CLASSES,
    TWITCH_TIMINGS,
    Substance,
    SubstanceLexicon,
    TwitchingLexicon,
    damerau_levenshtein,
    load_substances,
    load_twitching,
    normalise,
)

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
def lexicon() -> SubstanceLexicon:
    return load_substances()


@pytest.fixture(scope="module")
def twitching() -> TwitchingLexicon:
    return load_twitching()


@pytest.fixture(scope="module")
def raw_substances() -> List[Dict[str, Any]]:
    return yaml.safe_load(DEFAULT_SUBSTANCES_PATH.read_text())["substances"]


def name_of(substance: Any) -> Any:
    return substance.name if isinstance(substance, Substance) else substance


# ------------------------------------------------------------ data sanity


def test_default_paths_are_in_the_repo_not_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert DEFAULT_SUBSTANCES_PATH == REPO_ROOT / "data" / "lexicon" / "substances.yml"
    assert load_substances().lookup("xanax") is not None
    assert load_twitching().body_part("legs") == "legs"


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


def test_the_expected_substances_are_there(lexicon: SubstanceLexicon) -> None:
    for substance_class, names in EXPECTED_NAMES.items():
        for name in names:
            assert lexicon.get(name).substance_class == substance_class


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
def test_ambiguous_words_are_not_matched_alone(lexicon: SubstanceLexicon, word: str) -> None:
    assert lexicon.lookup(word) is None
    assert lexicon.find(f"the {word} was there") == []


def test_context_words_are_never_standalone_forms(lexicon: SubstanceLexicon) -> None:
    forms = lexicon.surface_forms()
    for substance in lexicon.substances:
        assert not substance.context_words & forms.keys(), substance.name


# ------------------------------------------------------------ lookups


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
def test_lookup_exact_forms(lexicon: SubstanceLexicon, surface: str, name: str) -> None:
    assert name_of(lexicon.lookup(surface)) == name


def test_substances_carry_class_and_entity_label(lexicon: SubstanceLexicon) -> None:
    xanax = lexicon.lookup("xanax")
    kratom = lexicon.lookup("kratom")
    assert xanax is not None and kratom is not None
    assert (xanax.name, xanax.substance_class, xanax.entity_label) == (
        "alprazolam",
        "benzodiazepine",
        "benzodiazepine",
    )
    assert (kratom.substance_class, kratom.entity_label) == ("other", "other_substance")


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
def test_lookup_guesses_typos(lexicon: SubstanceLexicon, typo: str, name: str) -> None:
    assert lexicon.exact(typo) is None
    assert name_of(lexicon.lookup(typo)) == name


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
def test_lookup_does_not_stretch_typos(lexicon: SubstanceLexicon, word: str) -> None:
    assert lexicon.lookup(word) is None


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
def test_common_words_are_never_guessed(lexicon: SubstanceLexicon, word: str) -> None:
    assert lexicon.lookup(word) is None


def test_fuzzy_refuses_a_tie_between_two_substances() -> None:
    lexicon = SubstanceLexicon(
        [Substance("abcdef", "other"), Substance("abcdeg", "other")], common_words=[]
    )
    assert lexicon.fuzzy("abcdex") is None
    assert name_of(lexicon.fuzzy("abcdeff")) == "abcdef"


def test_damerau_levenshtein() -> None:
    assert damerau_levenshtein("xanax", "xanax") == 0
    assert damerau_levenshtein("valium", "vailum") == 1
    assert damerau_levenshtein("kitten", "sitting") == 3
    assert damerau_levenshtein("", "abc") == 3


# ------------------------------------------------------------ find in text


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
def test_find_in_free_text(lexicon: SubstanceLexicon, text: str, names: List[str]) -> None:
    assert [s.name for s in lexicon.find(text)] == names


# ------------------------------------------------------------ twitching


def test_twitching_values_are_the_canonical_ones(twitching: TwitchingLexicon) -> None:
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
def test_body_parts(twitching: TwitchingLexicon, surface: str, value: str) -> None:
    assert twitching.body_part(surface) == value


@pytest.mark.parametrize(
    ("text", "values"),
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
def test_body_parts_in_context(twitching: TwitchingLexicon, text: str, values: List[str]) -> None:
    assert twitching.find_body_parts(text) == values


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
def test_timings(twitching: TwitchingLexicon, surface: str, value: str) -> None:
    assert twitching.timing(surface) == value


def test_timings_in_free_text(twitching: TwitchingLexicon) -> None:
    assert twitching.find_timings("it's always twitching at night") == [
        "all_the_time",
        "falling_asleep",
    ]
    assert twitching.find_timings("my leg fell asleep") == []
    assert twitching.find_timings("never touched benzos") == []


def test_loading_rejects_a_boolean_in_a_duration_pattern(tmp_path: Path) -> None:
    path = tmp_path / "twitching.yml"
    path.write_text("durations:\n  patterns:\n    - [{LOWER: {IN: [back, off]}}]\n")
    with pytest.raises(ValueError):
        load_twitching(path)


def test_duration_patterns_are_token_pattern_data(twitching: TwitchingLexicon) -> None:
    assert twitching.duration_patterns
    for pattern in twitching.duration_patterns:
        assert all(isinstance(token, dict) and token for token in pattern)
