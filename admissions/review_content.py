"""A review page of the clinical content, for the clinical director to read and sign off.

  python -m admissions.review_content                 writes build/clinical-review.html
  python -m admissions.review_content --out FILE      writes FILE

The page shows every block of the explanation, web and SMS side by side for
each person it may speak about, when it is shown (the answers that choose it),
the facts it rests on with their sources (docs/clinical-sources.md), its
reading grade and length; then sample explanations as people get them, the
other responses with clinical content, and every fact with what cites it.
"""

import argparse
import html
from datetime import date
from pathlib import Path
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple

import yaml

from actions import sms_pages
from actions.explanation import BLOCKS, HAND_OFF, NOTHING_MORE, SAFETY, WEB_ONLY, explanation_blocks
from admissions.clinical_content import (
    MAX_GRADE,
    ROOT,
    SOURCES_FILE,
    Fact,
    filled,
    is_spanish,
    load_facts,
    reading_grade,
    spanish_reading_ease,
    word_count,
)
from storage.domain_files import DOMAIN_DIR, merged_domain

RESPONSES_DIR = DOMAIN_DIR / "responses"
DEFAULT_OUT = ROOT / "build" / "clinical-review.html"
VOICES = (
    (None, "The person themselves"),
    ("he", "About him"),
    ("she", "About her"),
    ("they", "About someone (they)"),
)
OTHER_FILES = {
    "emergency.yml": "Said first, before anything else, when a message describes an emergency.",
    "faq.yml": "Said when the person asks this question, at any point.",
    "follow_up.yml": "Said after the explanation, when the person adds something.",
}
OTHER_RESPONSES = {"utter_overdose_signs": "Said when the person asks what an overdose looks like."}
# Conditional variants on other slots, each shown in a row of its own.
CONDITION_LABELS = {("language", "es"): "In Spanish (slot language = es)"}
SPANISH_EASE_MIN = 60.0  # Fernandez-Huerta: 60-70 "normal", above is easier

# Sample people, as they answered: (who, answers, their own words).
NOTHING = {"twitching": "no", "opioid_use": "no", "benzo_use": "no", "alcohol_heavy": "no"}
TWITCH = {"twitching": "yes", "twitch_location": ["legs"], "twitch_duration": "weeks"}
SAMPLES: List[Tuple[str, Dict[str, Any], Sequence[str]]] = [
    ("Twitching only while falling asleep, no substances",
     {**TWITCH, "twitch_timing": ["falling_asleep"]}, ()),
    ("Prescribed oxycodone, same dose, twitching at rest",
     {**TWITCH, "twitch_timing": ["at_rest"], "opioid_use": "yes", "opioid_names": ["oxycodone"],
      "opioid_prescribed": "yes", "opioid_dose_change": "no"}, ()),
    ("Prescribed oxycodone, just stopped, twitching",
     {**TWITCH, "twitch_timing": ["at_rest"], "opioid_use": "yes", "opioid_names": ["oxycodone"],
      "opioid_prescribed": "yes", "opioid_dose_change": "stopped"}, ()),
    ("Fentanyl every day, not prescribed, twitching all day",
     {**TWITCH, "twitch_timing": ["all_the_time"], "opioid_use": "yes",
      "opioid_names": ["fentanyl"], "opioid_prescribed": "no", "opioid_dose_change": "no"}, ()),
    ("Relapsed on heroin, kicking when dopesick",
     {**TWITCH, "twitch_timing": ["in_withdrawal"], "opioid_use": "yes",
      "opioid_names": ["heroin"], "opioid_prescribed": "no", "opioid_dose_change": "restarted"},
     ("my legs kick when im dopesick",)),
    ("Methadone from a clinic, with prescribed clonazepam",
     {"opioid_use": "yes", "opioid_names": ["methadone"], "opioid_prescribed": "yes",
      "opioid_dose_change": "no", "benzo_use": "yes", "benzo_names": ["clonazepam"],
      "benzo_prescribed": "yes", "benzo_with_opioids": "yes"}, ()),
    ("Xanax from the street, drinks heavily, stopped drinking 2 days ago",
     {"benzo_use": "yes", "benzo_names": ["alprazolam"], "benzo_prescribed": "no",
      "alcohol_heavy": "yes", "alcohol_stopped": "yes"}, ()),
    ("Clonazepam as prescribed, twitching at rest",
     {**TWITCH, "twitch_timing": ["at_rest"], "benzo_use": "yes", "benzo_names": ["clonazepam"],
      "benzo_prescribed": "yes"}, ()),
    ("Heavy drinking, stopped 2 days ago, heroin relapse",
     {"alcohol_heavy": "yes", "alcohol_stopped": "yes", "opioid_use": "yes",
      "opioid_names": ["heroin"], "opioid_prescribed": "no", "opioid_dose_change": "restarted"}, ()),
    ("Binge drinking on weekends only", {"alcohol_heavy": "binge"}, ()),
    ("Kratom only", {"opioid_use": "yes", "opioid_names": ["kratom"], "opioid_prescribed": "no",
                     "other_substances": ["kratom"]}, ()),
    ("Cocaine, twitching", {**TWITCH, "twitch_timing": ["random"],
                            "other_substances": ["cocaine"]}, ()),
    ("Pregnant, oxycodone not prescribed",
     {"opioid_use": "yes", "opioid_names": ["oxycodone"], "opioid_prescribed": "no",
      "opioid_dose_change": "no"}, ("im 3 months pregnant",)),
    ("A mother about her son: fentanyl, not prescribed",
     {**TWITCH, "twitch_timing": ["all_the_time"], "opioid_use": "yes",
      "opioid_names": ["fentanyl"], "opioid_prescribed": "no", "opioid_dose_change": "no",
      "screening_for": "he"}, ()),
    ("Not sure about opioids, not sure about drinking",
     {"opioid_use": "not sure", "alcohol_heavy": "not sure", "alcohol_stopped": "not sure"}, ()),
]  # fmt: skip

CSS = """
body { font: 16px/1.45 Georgia, serif; margin: 2em auto; max-width: 72em; padding: 0 1em;
       color: #222; }
h1, h2, h3 { font-family: Helvetica, Arial, sans-serif; }
h2 { border-top: 3px solid #444; padding-top: .6em; margin-top: 2.5em; }
h3 { margin-bottom: .2em; }
table { border-collapse: collapse; width: 100%; margin: .6em 0 1.2em; }
th, td { border: 1px solid #bbb; padding: .4em .6em; vertical-align: top; text-align: left; }
th { background: #eee; font-family: Helvetica, Arial, sans-serif; font-size: 90%; }
.when { background: #f4f8ff; border-left: 4px solid #5b8fd6; padding: .5em .8em; }
.safety { color: #a30000; font-weight: bold; }
.measure { font-family: Helvetica, Arial, sans-serif; font-size: 85%; color: #555;
           white-space: nowrap; }
.over { color: #a30000; font-weight: bold; }
.facts dt { font-weight: bold; font-family: Helvetica, Arial, sans-serif; }
.facts dd { margin: 0 0 .6em 1.5em; }
.source { color: #555; font-size: 90%; }
.signoff td { height: 2.5em; }
code { font-size: 90%; }
@media print { h2 { page-break-before: always; } }
"""


def responses_by_file() -> Dict[str, Dict[str, List[Dict[str, Any]]]]:
    return {
        path.name: (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("responses") or {}
        for path in sorted(RESPONSES_DIR.glob("*.yml"))
    }


Condition = Tuple[Tuple[str, str], ...]  # (slot, value) pairs, sorted; () for none


def condition_of(variant: Mapping[str, Any]) -> Condition:
    return tuple(
        sorted((str(c.get("name")), str(c.get("value"))) for c in variant.get("condition") or [])
    )


def voice_of(variant: Mapping[str, Any]) -> Optional[str]:
    for name, value in condition_of(variant):
        if name == "screening_for":
            return value
    return None


def _slots(voice: Any) -> Condition:
    """The slots a row stands for: a screening_for value, a condition, or nothing."""
    if voice is None:
        return ()
    if isinstance(voice, tuple):
        return voice
    return (("screening_for", str(voice)),)


def text_for(
    variants: Sequence[Mapping[str, Any]], voice: Any, sms: bool
) -> Optional[Mapping[str, Any]]:
    """The variant Rasa 3.6 would say for this voice (or condition) and channel (or None).

    `voice` is a screening_for value, a condition (slot, value pairs), or None
    for nobody in particular and English. Rasa's order: a variant for the
    channel whose condition holds, one for the channel without a condition,
    one whose condition holds without a channel, then one with neither.
    """
    channel = "sms" if sms else None
    slots = set(_slots(voice))
    fitting = [v for v in variants if set(condition_of(v)) <= slots]
    for wanted, conditional in ((channel, True), (channel, False), (None, True), (None, False)):
        for variant in fitting:
            if variant.get("channel") == wanted and bool(variant.get("condition")) == conditional:
                return variant
    return None


def e(text: Any) -> str:
    return html.escape(str(text))


def measures(text: str, sms: bool, spanish: bool = False) -> str:
    if spanish:
        ease = spanish_reading_ease(text)
        level = (
            f'<span class="{"over" if ease < SPANISH_EASE_MIN else ""}">'
            f"Fernandez-Huerta ease {ease:.0f} (Spanish)</span>"
        )
    else:
        grade = reading_grade(text)
        level = f'<span class="{"over" if grade > MAX_GRADE else ""}">grade {grade:.1f}</span>'
    size = f"{len(filled(text))} characters" if sms else f"{word_count(text)} words"
    over = sms and len(filled(text)) > sms_pages.SMS_LENGTH
    return (
        f'<span class="measure">{level} &middot; '
        f'<span class="{"over" if over else ""}">{size}</span></span>'
    )


def variants_table(variants: Sequence[Mapping[str, Any]]) -> str:
    """One row per person spoken about and per other condition (Spanish), web and SMS."""
    voices: List[Tuple[Any, str]] = [
        (v, label) for v, label in VOICES if v is None or any(voice_of(x) == v for x in variants)
    ]
    others: List[Condition] = []
    for variant in variants:
        condition = condition_of(variant)
        if condition and voice_of(variant) is None and condition not in others:
            others.append(condition)
    if others and len(voices) == 1:
        voices = [(None, "In English")]
    for condition in others:
        label = " and ".join(
            CONDITION_LABELS.get(pair, f"When {pair[0]} = {pair[1]}") for pair in condition
        )
        voices.append((condition, label))
    if len(voices) == 1:
        voices = [(None, "Everyone")]
    rows = []
    for voice, label in voices:
        cells = []
        for sms in (False, True):
            chosen = text_for(variants, voice, sms)
            text = str(chosen.get("text") or "") if chosen else ""
            spanish = chosen is not None and is_spanish(chosen)
            cells.append(
                f"<td>{e(filled(text))}<br>{measures(text, sms, spanish)}</td>"
                if text
                else "<td>-</td>"
            )
        rows.append(f"<tr><th>{e(label)}</th>{''.join(cells)}</tr>")
    return (
        '<table><tr><th style="width:12%">Said to</th><th style="width:48%">Web chat</th>'
        f'<th>SMS text (one text each)</th></tr>{"".join(rows)}</table>'
    )


def cited(variants: Iterable[Mapping[str, Any]]) -> List[str]:
    ids: List[str] = []
    for variant in variants:
        for fact in (variant.get("metadata") or {}).get("facts") or []:
            if fact not in ids:
                ids.append(str(fact))
    return ids


def facts_list(ids: Sequence[str], facts: Mapping[str, Fact]) -> str:
    items = []
    for fact_id in ids:
        fact = facts.get(fact_id)
        if fact is None:
            items.append(f'<dt class="over">{e(fact_id)}: not in {SOURCES_FILE.name}</dt><dd></dd>')
            continue
        source = f'<br><span class="source">Source: {e(fact.source)}</span>' if fact.source else ""
        items.append(f"<dt>{e(fact_id)}</dt><dd>{e(fact.text)}{source}</dd>")
    if not items:
        return '<p class="over">Cites no fact.</p>'
    return f'<dl class="facts">{"".join(items)}</dl>'


def sample_section(domain: Mapping[str, Any]) -> str:
    parts = []
    for title, answers, words in SAMPLES:
        answers = {**NOTHING, **answers}
        voice = answers.get("screening_for")
        web = explanation_blocks(answers, words)
        web_texts = [
            filled(str((text_for(domain["responses"][n], voice, False) or {}).get("text", "")))
            for n in web
        ]
        sms = [n for n in web if n not in WEB_ONLY]
        turns: List[List[str]] = []
        left = sms
        while left:
            page = sms_pages.page(
                left, domain, answers, after=() if turns else HAND_OFF, safety=SAFETY
            )
            turns.append(page)
            left = left[len([n for n in page if n != sms_pages.MORE_PROMPT]) :]
        said = "; ".join(f"{k} = {v}" for k, v in answers.items() if k not in NOTHING or v != "no")
        own = f"<br>Their own words: <em>{e(' / '.join(words))}</em>" if words else ""
        sms_rows = "".join(
            f"<li>{'First reply' if i == 0 else 'After MORE'}: "
            + " &para; ".join(
                e(
                    filled(
                        str((text_for(domain["responses"][n], voice, True) or {}).get("text", ""))
                    )
                )
                for n in turn
            )
            + (
                " &para; <em>then the admissions number and the callback offer</em>"
                if i == 0
                else ""
            )
            + "</li>"
            for i, turn in enumerate(turns)
        )
        parts.append(
            f"<h3>{e(title)}</h3><p class=\"when\">Answers: {e(said)}{own}</p>"
            f"<table><tr><th style=\"width:50%\">Web chat ({word_count(' '.join(web_texts))} words)"
            f"</th><th>SMS ({len(turns)} turn{'s' if len(turns) > 1 else ''})</th></tr>"
            f"<tr><td>{'<br><br>'.join(e(t) for t in web_texts)}</td><td><ol>{sms_rows}</ol></td></tr></table>"
        )
    return "".join(parts)


def page(domain: Mapping[str, Any], facts: Mapping[str, Fact]) -> str:
    files = responses_by_file()
    all_responses = {
        name: variants for by_name in files.values() for name, variants in by_name.items()
    }
    citing: Dict[str, List[str]] = {}
    for name, variants in all_responses.items():
        for fact_id in cited(variants):
            citing.setdefault(fact_id, []).append(name)

    order = "".join(
        f"<tr><td>{i}</td><td><a href=\"#{e(b.name)}\"><code>{e(b.name)}</code></a></td>"
        f"<td>{'<span class=safety>Yes</span>' if b.name in SAFETY else ''}</td><td>{e(b.when)}</td></tr>"
        for i, b in enumerate(BLOCKS, 1)
    )
    blocks = []
    extra = [(sms_pages.MORE_PROMPT, "By SMS, after the blocks that fit one reply, when more are left."),
             (NOTHING_MORE, "When the person replies MORE and everything has been said.")]  # fmt: skip
    for name, safety, when in [(b.name, b.name in SAFETY, b.when) for b in BLOCKS] + [
        (n, False, w) for n, w in extra
    ]:
        variants = all_responses.get(name) or []
        badge = ' <span class="safety">(safety: never left out by SMS)</span>' if safety else ""
        blocks.append(
            f'<h3 id="{e(name)}"><code>{e(name)}</code>{badge}</h3>'
            f'<p class="when"><strong>Shown when:</strong> {e(when)}</p>'
            f"{variants_table(variants)}<p><strong>Rests on:</strong></p>{facts_list(cited(variants), facts)}"
        )
    others = []
    for file_name, description in OTHER_FILES.items():
        for name, variants in (files.get(file_name) or {}).items():
            others.append(
                f'<h3><code>{e(name)}</code> <span class="measure">{e(file_name)}</span></h3>'
                f'<p class="when">{e(description)}</p>{variants_table(variants)}'
                f"<p><strong>Rests on:</strong></p>{facts_list(cited(variants), facts)}"
            )
    for name, description in OTHER_RESPONSES.items():
        variants = all_responses.get(name) or []
        others.append(
            f'<h3><code>{e(name)}</code></h3><p class="when">{e(description)}</p>'
            f"{variants_table(variants)}<p><strong>Rests on:</strong></p>{facts_list(cited(variants), facts)}"
        )
    index = "".join(
        f"<tr><td><strong>{e(f.id)}</strong></td><td>{e(f.text)}<br><span class=\"source\">"
        f"{e(f.source)}</span></td><td>{'<br>'.join(e(n) for n in citing.get(f.id, [])) or '-'}</td></tr>"
        for f in facts.values()
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Clinical content review</title>
<style>{CSS}</style></head><body>
<h1>Clinical content review</h1>
<p>Generated {date.today().isoformat()} from the assistant's responses
(<code>domain/responses/</code>), the rules that choose them (<code>actions/explanation.py</code>) and
the clinical sources (<code>docs/clinical-sources.md</code>). Reading grade: Flesch-Kincaid, by the
<code>textstat</code> library, with drug and agency names counted as one short word; the limit is
grade {MAX_GRADE:g}. Spanish variants (slot <code>language</code> = es) are shown in rows of their
own and measured with textstat's Spanish setting (Fernandez-Huerta reading ease, higher is easier;
below {SPANISH_EASE_MIN:g} in red), not with the English grade. Grades or lengths over the limit
are shown in red.</p>
<p>How the explanation works: after the last screening question, the assistant picks the blocks below
that fit the answers, in this order: dangers and what to do first, background after, then a line of
hope and the hand-off to admissions (the admissions number and a callback offer follow). By SMS the
same blocks come in the same order: every safety block in the first reply, however many texts that
takes, then background while the reply stays short; "Reply MORE for more" brings the rest.</p>
<h2>1. The blocks and when each is chosen</h2>
<table><tr><th>#</th><th>Block</th><th>Safety</th><th>Chosen when</th></tr>{order}</table>
<p>"Unclear" means the person said they were not sure, skipped the question, or answered in a way the
assistant could not read: a safety warning is then given, in words that hold either way.</p>
<h2>2. Every block: web and SMS, sources, grade and length</h2>{''.join(blocks)}
<h2>3. Sample explanations as people get them</h2>{sample_section(domain)}
<h2>4. Other responses with clinical content</h2>{''.join(others)}
<h2>5. Every fact, and what cites it</h2>
<table><tr><th>Id</th><th>Fact and source</th><th>Cited by</th></tr>{index}</table>
<h2>6. Sign-off</h2>
<table class="signoff"><tr><th style="width:30%">Reviewed by (name, role)</th><td></td></tr>
<tr><th>Date</th><td></td></tr><tr><th>Changes requested</th><td></td></tr>
<tr><th>Approved for use</th><td></td></tr></table>
</body></html>
"""


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"default: {DEFAULT_OUT}")
    args = parser.parse_args(argv)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(page(merged_domain(), load_facts()), encoding="utf-8")
    print(f"Wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
