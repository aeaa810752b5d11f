"""Builds the spaCy pipeline that SpacyNLP loads: blank English + entity ruler.

    python -m addons.nlu.build_pipeline [--lexicon data/lexicon] [--out build/spacy_pipeline]

The entity ruler's patterns come from data/lexicon/substances.yml and
twitching.yml. Substance, body part and timing entities carry the canonical
value as their id; durations have no id (their value is the text).
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Sequence

import spacy
from spacy.language import Language
from spacy.pipeline import EntityRuler

from storage.lexicon import (
    LEXICON_DIR,
    REPO_ROOT,
    ContextRule,
    PhraseGroup,
    SubstanceLexicon,
    TwitchingLexicon,
    load_substances,
    load_twitching,
    normalise,
)

PIPELINE_NAME = "screening_lexicon"
PIPELINE_VERSION = "1.0.0"
DEFAULT_OUT = REPO_ROOT / "build" / "spacy_pipeline"

BODY_PART_LABEL = "body_part"
TIMING_LABEL = "twitch_timing"
DURATION_LABEL = "duration"

Pattern = Dict[str, Any]


def _variants(form: str) -> List[str]:
    """The form as written plus its normalised spelling ("k-pin", "k pin")."""
    return list(dict.fromkeys([form, normalise(form)]))


def _patterns(
    label: str,
    value: Optional[str],
    phrases: Iterable[str],
    rules: Iterable[ContextRule] = (),
) -> List[Pattern]:
    id_field = {"id": value} if value else {}
    patterns: List[Pattern] = [
        {"label": label, "pattern": variant, **id_field}
        for phrase in phrases
        for variant in _variants(phrase)
    ]
    patterns += [
        {"label": label, "pattern": tokens, **id_field}
        for rule in rules
        for tokens in rule.token_patterns()
    ]
    return patterns


def substance_patterns(lexicon: SubstanceLexicon) -> List[Pattern]:
    return [
        pattern
        for s in lexicon.substances
        for pattern in _patterns(s.entity_label, s.name, s.surface_forms, s.in_context)
    ]


def _group_patterns(label: str, groups: Sequence[PhraseGroup]) -> List[Pattern]:
    return [
        pattern
        for group in groups
        for pattern in _patterns(label, group.value, group.phrases, group.in_context)
    ]


def twitching_patterns(lexicon: TwitchingLexicon) -> List[Pattern]:
    durations = _patterns(DURATION_LABEL, None, lexicon.duration_phrases)
    durations += [
        {"label": DURATION_LABEL, "pattern": tokens} for tokens in lexicon.duration_patterns
    ]
    return (
        _group_patterns(BODY_PART_LABEL, lexicon.body_parts)
        + _group_patterns(TIMING_LABEL, lexicon.timings)
        + durations
    )


def build_nlp(lexicon_dir: Path = LEXICON_DIR) -> Language:
    """A blank English pipeline whose only component is the entity ruler."""
    substances = load_substances(lexicon_dir / "substances.yml", lexicon_dir / "common_words.yml")
    twitching = load_twitching(lexicon_dir / "twitching.yml")
    nlp = spacy.blank("en")
    nlp.add_pipe(
        "entity_ruler",
        # LOWER: SpacyNLP lower-cases text anyway, but tests and other callers
        # may not. validate: a typo in the YAML patterns fails the build.
        config={"phrase_matcher_attr": "LOWER", "overwrite_ents": True, "validate": True},
    )
    entity_ruler(nlp).add_patterns(substance_patterns(substances) + twitching_patterns(twitching))
    nlp.meta.update(
        name=PIPELINE_NAME,
        version=PIPELINE_VERSION,
        description="Entity ruler for the screening assistant, built from data/lexicon.",
        spacy_version=spacy.util.get_minor_version_range(spacy.about.__version__),
    )
    return nlp


def entity_ruler(nlp: Language) -> EntityRuler:
    ruler = nlp.get_pipe("entity_ruler")
    assert isinstance(ruler, EntityRuler)
    return ruler


def write_pipeline(nlp: Language, out: Path) -> None:
    """Writes to a staging folder first, so a failed write keeps the old pipeline."""
    out = out.resolve()
    if out.exists() and any(out.iterdir()) and not (out / "meta.json").exists():
        raise SystemExit(f"Refusing to replace {out}: it is not a spaCy pipeline.")
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = out.with_name(f".{out.name}.tmp")
    shutil.rmtree(staging, ignore_errors=True)
    nlp.to_disk(staging)
    shutil.rmtree(out, ignore_errors=True)
    staging.rename(out)


def main(argv: Optional[Sequence[str]] = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--lexicon", type=Path, default=LEXICON_DIR, help="lexicon folder")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder")
    args = parser.parse_args(argv)
    nlp = build_nlp(args.lexicon)
    write_pipeline(nlp, args.out)
    ruler = entity_ruler(nlp)
    print(
        f"Wrote spaCy pipeline {PIPELINE_NAME} {PIPELINE_VERSION} "
        f"({len(ruler)} patterns, labels: {', '.join(ruler.labels)}) to {args.out}"
    )


if __name__ == "__main__":
    main()
