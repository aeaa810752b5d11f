"""Simulated people (tests/people/people.yml) screened by a running assistant.

    .venv/bin/python -m bench.people --url http://localhost:5005 [--token T]
        [--channel rest|sms|both] [--people FILE] [--out bench/results/people.json]
    .venv/bin/python -m bench.people --start     (its own servers, tests/support/servers.py)

Each person sends their opening, then answers whichever question the bot asked,
recognised by matching the bot's text against every `utter_ask_<key>` variant of
the domain (`--domain`, default domain/; `{slot}` placeholders match anything
short; identical texts are told apart by the tracker's requested_slot with --token,
else by question order and what the person has an answer for). When a reply asks
nothing they repeat their last answer; they never follow instructions such as
'say "start"'. They stop once the admissions number has come after the
explanation (then send their after-explanation messages), when stuck (3 replies
in a row that ask nothing, or one question 6 times in a row), or after --turns.

SMS goes to /webhooks/sms/webhook signed as Twilio signs (tests/support/sms_phone.py),
with the server's TWILIO_AUTH_TOKEN and SMS_WEBHOOK_URL (--twilio-auth-token,
--sms-webhook-url, or those environment variables).

Per channel it prints: people finished (admissions number after the explanation),
loops (a question asked 3 times in a row), turns per screening (messages up to
the explanation), answers recorded as unclear per question (from the trackers
with --token, else the help re-asks), must_be_told / must_not_be_told held, and
the failures; bench/results/people.json has every exchange. With --start, the
servers' logs are kept in bench/results/people-servers/.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import secrets
import statistics
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from hashlib import sha256
from pathlib import Path
from types import SimpleNamespace
from typing import (
    Any,
    Callable,
    Collection,
    Dict,
    Iterator,
    List,
    Optional,
    Pattern,
    Sequence,
    Tuple,
)
from urllib.parse import quote

import requests
import yaml

from tests.support.sms_phone import Phone  # signs as Twilio signs

ROOT = Path(__file__).resolve().parents[1]
PEOPLE = ROOT / "tests" / "people" / "people.yml"
DOMAIN = ROOT / "domain"
RESULTS = ROOT / "bench" / "results" / "people.json"
REST_PATH = "/webhooks/rest/webhook"
SMS_WEBHOOK_URL = "https://assistant.example.org/webhooks/sms/webhook"
UNSCRIPTED = "idk"
UNCLEAR = "unclear"
LOOP = 3  # the same question this many times in a row is a loop; twice that: stuck
STUCK = 3  # this many replies in a row without a question: stuck


# --- The domain: which question the bot asked ------------------------------------


def normalise(text: str) -> str:
    """Lower case words and digits only: SMS drops characters and splits texts."""
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def text_pattern(template: str) -> Optional[Pattern[str]]:
    """A response text as a pattern over normalised text; {slot} matches a few words."""
    parts = [normalise(part) for part in re.split(r"\{[^{}]*\}", template)]
    body = r"(?: ?\S+){0,8} ?".join(re.escape(part) for part in parts if part)
    return re.compile(body) if body else None


def yaml_files(paths: Sequence[Path]) -> Iterator[Path]:
    for path in paths:
        yield from sorted(path.rglob("*.yml")) if path.is_dir() else [path]


@dataclass
class Domain:
    keys: List[str]  # start, then the forms' slots in the order they are asked
    questions: List[Tuple[str, Pattern[str]]]
    helps: List[Pattern[str]]
    explanations: List[Pattern[str]]
    phone: str

    @classmethod
    def load(cls, paths: Sequence[Path]) -> "Domain":
        responses: Dict[str, List[Dict[str, Any]]] = {}
        forms: Dict[str, Any] = {}
        phone = ""
        for path in yaml_files(paths):
            data = yaml.safe_load(path.read_text()) or {}
            if not isinstance(data, dict):
                continue
            for name, variants in (data.get("responses") or {}).items():
                responses.setdefault(name, []).extend(variants or [])
            forms.update(data.get("forms") or {})
            slot = (data.get("slots") or {}).get("admissions_phone") or {}
            phone = str(slot.get("initial_value") or phone)
        keys = ["start"] + [s for form in forms.values() for s in form["required_slots"]]

        def patterns(name: str) -> List[Pattern[str]]:
            found = [text_pattern(str(v.get("text") or "")) for v in responses[name]]
            return [pattern for pattern in found if pattern is not None]

        questions = []
        for name in responses:
            key = _question_key(name, keys)
            questions += [(key, pattern) for pattern in patterns(name)] if key else []
        return cls(
            keys=keys,
            questions=questions,
            helps=[
                p for name in responses if name.startswith("utter_help_") for p in patterns(name)
            ],
            explanations=[
                p for name in responses if name.startswith("utter_explain_") for p in patterns(name)
            ],
            phone=normalise(phone) or r"\d{3} \d{3} \d{4}",
        )

    def asked(
        self,
        texts: Sequence[str],
        previous: Optional[str],
        requested: Callable[[], Optional[str]] = lambda: None,
        answerable: Collection[str] = (),
    ) -> Optional[str]:
        """The question the reply ends on.

        Identical texts ("Are they prescribed to you?") are told apart by
        `requested` (the tracker's requested_slot) if it can; else as a person
        would: the same question again, or the next one (in the form's order)
        that is `answerable` (they have an answer for it), or just the next one.
        """
        reply = normalise(" ".join(texts))
        ends: Dict[str, int] = {}
        for key, pattern in self.questions:
            for match in pattern.finditer(reply):
                ends[key] = max(ends.get(key, -1), match.end())
        if not ends:
            return None
        last = max(ends.values())
        candidates = [key for key in self.keys if ends.get(key) == last]
        if len(candidates) > 1 and (slot := requested()) in candidates:
            return slot
        if previous in candidates:
            return previous
        after = self.keys.index(previous) if previous in self.keys else -1
        later = [k for k in candidates if self.keys.index(k) > after] or candidates
        return next((k for k in later if k in answerable), later[0])

    def helped(self, texts: Sequence[str]) -> bool:
        reply = normalise(" ".join(texts))
        return any(pattern.search(reply) for pattern in self.helps)

    def explains(self, texts: Sequence[str]) -> bool:
        reply = normalise(" ".join(texts))
        return any(pattern.search(reply) for pattern in self.explanations)

    def gives_number(self, texts: Sequence[str]) -> bool:
        return re.search(self.phone, normalise(" ".join(texts))) is not None


def _question_key(response: str, keys: Sequence[str]) -> Optional[str]:
    """utter_ask_<key> (or utter_ask_<key>_<variant>) -> key."""
    if not response.startswith("utter_ask_"):
        return None
    name = response[len("utter_ask_") :]
    found = [key for key in keys if name == key or name.startswith(key + "_")]
    return max(found, key=len) if found else None


# --- People -------------------------------------------------------------------------


@dataclass
class Person:
    id: str
    about: str
    opening: str
    answers: Dict[str, List[str]]
    asides: Dict[str, List[str]] = field(default_factory=dict)
    corrections: List[Dict[str, str]] = field(default_factory=list)
    after_explanation: List[str] = field(default_factory=list)
    must_be_told: List[str] = field(default_factory=list)
    must_not_be_told: List[str] = field(default_factory=list)


def as_list(value: Any) -> List[Any]:
    return [] if value is None else list(value) if isinstance(value, list) else [value]


def load_people(path: Path) -> Tuple[List[Person], Dict[str, List[str]]]:
    """The people and the named ideas of `path` (format: its header comment)."""
    data = yaml.safe_load(path.read_text())
    people = [
        Person(
            id=raw["id"],
            about=raw["about"],
            opening=raw["opening"],
            answers={k: [str(a) for a in as_list(v)] for k, v in raw["answers"].items()},
            asides={k: [str(a) for a in as_list(v)] for k, v in (raw.get("asides") or {}).items()},
            corrections=as_list(raw.get("corrections")),
            after_explanation=as_list(raw.get("after_explanation")),
            must_be_told=as_list(raw.get("must_be_told")),
            must_not_be_told=as_list(raw.get("must_not_be_told")),
        )
        for raw in data["people"]
    ]
    return people, {name: as_list(words) for name, words in (data.get("ideas") or {}).items()}


class Script:
    """What one person says next, given the question the bot asked."""

    def __init__(self, person: Person) -> None:
        self.person = person
        self.answered: Counter[str] = Counter()
        self.aside_keys_done: set[str] = set()
        self.pending_asides: List[str] = []
        self.corrections = list(person.corrections)
        self.unscripted: List[str] = []

    def reply(self, question: str) -> str:
        if question in self.person.asides and question not in self.aside_keys_done:
            self.aside_keys_done.add(question)
            self.pending_asides = list(self.person.asides[question])
        if self.pending_asides:
            return self.pending_asides.pop(0)
        for correction in self.corrections:
            if self.answered[correction["after"]] and question != correction["after"]:
                self.corrections.remove(correction)
                return correction["say"]
        answers = self.person.answers.get(question)
        if not answers:
            self.unscripted.append(question)
            return UNSCRIPTED
        said = answers[min(self.answered[question], len(answers) - 1)]
        self.answered[question] += 1
        return said


# --- Channels -----------------------------------------------------------------------


class Rest:
    name = "rest"

    def __init__(self, url: str, person: Person, run_id: str) -> None:
        self.url = url + REST_PATH
        self.conversation_id = f"people-{run_id}-{person.id}"
        self.session = requests.Session()

    def send(self, text: str) -> List[str]:
        answer = self.session.post(
            self.url, json={"sender": self.conversation_id, "message": text}, timeout=60
        )
        answer.raise_for_status()
        return [str(m["text"]) for m in answer.json() if m.get("text")]


class Sms:
    name = "sms"

    def __init__(self, url: str, number: str, auth_token: str, webhook_url: str) -> None:
        target = SimpleNamespace(
            base_url=url, sms_webhook_url=webhook_url, twilio_auth_token=auth_token
        )
        self.phone = Phone(target, number)
        # As addons/channels/sms.py names the conversation of a number.
        self.conversation_id = "sms-" + sha256(number.encode("utf-8")).hexdigest()[:32]

    def send(self, text: str) -> List[str]:
        return self.phone.texts(text)


def fiction_numbers(count: int) -> List[str]:
    """Distinct made-up US numbers in the 555-01xx fiction range."""
    pool = [(area, line) for area in range(201, 990) for line in range(100, 200)]
    return [f"+1{area}555{line:04d}" for area, line in random.sample(pool, count)]


# --- One person, one channel --------------------------------------------------------


@dataclass
class Outcome:
    person: str
    channel: str
    conversation_id: str
    finished: bool = False
    turns_to_explanation: Optional[int] = None
    asked: List[str] = field(default_factory=list)
    help_reasks: Counter[str] = field(default_factory=Counter)
    unscripted: List[str] = field(default_factory=list)
    slots: Dict[str, Any] = field(default_factory=dict)
    told: Dict[str, bool] = field(default_factory=dict)
    not_told: Dict[str, bool] = field(default_factory=dict)
    failures: List[Dict[str, Any]] = field(default_factory=list)
    exchanges: List[Dict[str, Any]] = field(default_factory=list)

    def fail(self, kind: str, detail: str, last: int = 3) -> None:
        self.failures.append(
            {"kind": kind, "detail": detail, "exchanges": self.exchanges[-last:] if last else []}
        )


def mentions(text: str, item: str, ideas: Dict[str, List[str]]) -> bool:
    flat = " ".join(text.lower().split())
    return any(word.lower() in flat for word in ideas.get(item, [item]))


def play(
    person: Person,
    channel: Any,
    domain: Domain,
    ideas: Dict[str, List[str]],
    turns: int,
    slots: Optional[Callable[[], Dict[str, Any]]] = None,
) -> Outcome:
    """One person's conversation; `slots` reads the conversation's slots (with a token)."""

    def requested() -> Optional[str]:
        try:
            return (slots() if slots else {}).get("requested_slot")
        except requests.RequestException:
            return None

    outcome = Outcome(person.id, channel.name, channel.conversation_id)
    script = Script(person)
    outcome.unscripted = script.unscripted
    message, last, in_a_row, without_question = person.opening, None, 0, 0
    explanation: Optional[List[str]] = None
    for turn in range(1, turns + 1):
        try:
            texts = channel.send(message)
        except (requests.RequestException, AssertionError, ValueError) as error:
            outcome.fail("error", f"{type(error).__name__}: {error}")
            return outcome
        question = domain.asked(texts, last, requested, person.answers)
        exchange = {"turn": turn, "person": message, "bot": texts, "question": question}
        outcome.exchanges.append(exchange)
        if domain.helped(texts):
            outcome.help_reasks[question or last or "?"] += 1
        if explanation is None and domain.explains(texts):
            explanation, outcome.turns_to_explanation = texts, turn
        if explanation is not None and domain.gives_number(texts):
            outcome.finished = True
            break
        if question is None:
            without_question += 1
            if without_question >= STUCK:
                outcome.fail("stuck", f"{STUCK} replies in a row asked nothing")
                return outcome
        else:
            without_question = 0
            in_a_row = in_a_row + 1 if question == last else 1
            last = question
            outcome.asked.append(question)
            if in_a_row == LOOP:  # counted once per run of asks; the person goes on
                outcome.fail("loop", f"{question} asked {LOOP} times in a row", last=LOOP)
            if in_a_row == 2 * LOOP:
                outcome.fail("stuck", f"{question} asked {in_a_row} times in a row", last=LOOP)
                return outcome
        message = script.reply(question or last or "start")
    else:
        outcome.fail("not_finished", f"no admissions number after an explanation in {turns} turns")
    for said in person.after_explanation if outcome.finished else []:
        try:
            outcome.exchanges.append({"turn": "after", "person": said, "bot": channel.send(said)})
        except (requests.RequestException, AssertionError, ValueError) as error:
            outcome.fail("error", f"after the explanation: {type(error).__name__}: {error}")
    if explanation is not None:
        said = " ".join(explanation)
        outcome.told = {item: mentions(said, item, ideas) for item in person.must_be_told}
        outcome.not_told = {
            item: not mentions(said, item, ideas) for item in person.must_not_be_told
        }
        for item, held in [*outcome.told.items(), *outcome.not_told.items()]:
            if not held:
                kind = "must_be_told" if item in outcome.told else "must_not_be_told"
                outcome.failures.append({"kind": kind, "detail": item, "explanation": explanation})
    return outcome


def read_slots(url: str, token: str, conversation_id: str) -> Dict[str, Any]:
    """The conversation's slots, through Rasa's HTTP API."""
    answer = requests.get(
        f"{url}/conversations/{quote(conversation_id, safe='')}/tracker",
        params={"token": token, "include_events": "NONE"},
        timeout=60,
    )
    answer.raise_for_status()
    slots: Dict[str, Any] = answer.json().get("slots") or {}
    return slots


def is_unclear(value: Any) -> bool:
    return value == UNCLEAR or (isinstance(value, list) and UNCLEAR in value)


# --- Figures --------------------------------------------------------------------------


def summary(outcomes: Sequence[Outcome], from_trackers: bool) -> Dict[str, Any]:
    turns = [o.turns_to_explanation for o in outcomes if o.finished and o.turns_to_explanation]
    unclear: Counter[str] = Counter()
    helps: Counter[str] = Counter()
    for outcome in outcomes:
        unclear.update(k for k, v in outcome.slots.items() if is_unclear(v))
        helps.update(outcome.help_reasks)
    told = [held for o in outcomes for held in o.told.values()]
    not_told = [held for o in outcomes for held in o.not_told.values()]
    return {
        "people": len(outcomes),
        "finished": sum(o.finished for o in outcomes),
        "loops": sum(f["kind"] == "loop" for o in outcomes for f in o.failures),
        "people_with_loops": sum(any(f["kind"] == "loop" for f in o.failures) for o in outcomes),
        "stuck": sum(f["kind"] == "stuck" for o in outcomes for f in o.failures),
        "errors": sum(f["kind"] == "error" for o in outcomes for f in o.failures),
        "turns_mean": round(statistics.mean(turns), 1) if turns else None,
        "turns_max": max(turns) if turns else None,
        "unclear_by_question": dict(unclear.most_common()) if from_trackers else None,
        "help_reasks_by_question": dict(helps.most_common()),
        "unscripted_questions": dict(Counter(q for o in outcomes for q in o.unscripted)),
        "must_be_told": {"held": sum(told), "checked": len(told)},
        "must_not_be_told": {"held": sum(not_told), "checked": len(not_told)},
    }


def print_summary(channel: str, figures: Dict[str, Any]) -> None:
    turns = f"mean {figures['turns_mean']}, max {figures['turns_max']}"
    print(f"\n== {channel.upper()} ==")
    print(f"finished {figures['finished']}/{figures['people']}  ", end="")
    print(f"loops {figures['loops']} (in {figures['people_with_loops']} people)  ", end="")
    print(f"stuck {figures['stuck']}  errors {figures['errors']}  turns per screening {turns}")
    if figures["unclear_by_question"] is not None:
        print(f"unclear answers (trackers): {figures['unclear_by_question'] or 'none'}")
    print(f"help re-asks: {figures['help_reasks_by_question'] or 'none'}")
    print(f"unscripted questions: {figures['unscripted_questions'] or 'none'}")
    told, not_told = figures["must_be_told"], figures["must_not_be_told"]
    print(f"must_be_told held {told['held']}/{told['checked']}  ", end="")
    print(f"must_not_be_told held {not_told['held']}/{not_told['checked']}")


def brief(outcome: Outcome) -> str:
    """One line: what went wrong for this person, and the last exchange that shows it."""
    kinds = [f"{f['kind']} ({f['detail']})" for f in outcome.failures]
    stopped = [f for f in outcome.failures if f.get("exchanges")]
    line = f"  {outcome.person}: {'; '.join(kinds)}"
    if stopped:
        last = stopped[-1]["exchanges"][-1]
        bot = " / ".join(last.get("bot") or []).replace("\n", " ")
        line += f"\n      {last.get('person')!r} -> {bot[:140]!r}"
    return line


# --- Running ---------------------------------------------------------------------------


def run(args: argparse.Namespace, url: str, token: Optional[str]) -> int:
    domain = Domain.load(args.domain)
    people, ideas = load_people(args.people)
    channels = ["rest", "sms"] if args.channel == "both" else [args.channel]
    if "sms" in channels and not (args.twilio_auth_token and args.sms_webhook_url):
        print("SMS needs --twilio-auth-token and --sms-webhook-url (or their env vars).")
        return 2
    run_id = secrets.token_hex(3)
    numbers = fiction_numbers(len(people))
    results: Dict[str, Any] = {
        "url": url,
        "people_file": str(args.people),
        "domain": [str(path) for path in args.domain],
        "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "channels": {},
        "failures": [],
    }
    for name in channels:

        def one(index: int, name: str = name) -> Outcome:
            person = people[index]
            channel: Any = (
                Rest(url, person, run_id)
                if name == "rest"
                else Sms(url, numbers[index], args.twilio_auth_token, args.sms_webhook_url)
            )
            reader = (lambda: read_slots(url, token, channel.conversation_id)) if token else None
            outcome = play(person, channel, domain, ideas, args.turns, reader)
            if reader:
                try:
                    outcome.slots = {k: v for k, v in reader().items() if k in domain.keys}
                except requests.RequestException as error:
                    outcome.fail("error", f"reading the tracker: {error}", last=0)
            return outcome

        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=args.workers) as pool:
            outcomes = list(pool.map(one, range(len(people))))
        figures = summary(outcomes, from_trackers=bool(token))
        figures["seconds"] = round(time.monotonic() - started, 1)
        print_summary(name, figures)
        for outcome in [o for o in outcomes if o.failures]:
            print(brief(outcome))
            for failure in outcome.failures:
                results["failures"].append({"channel": name, "person": outcome.person, **failure})
        results["channels"][name] = {
            "summary": figures,
            "people": [{k: v for k, v in vars(o).items() if k != "failures"} for o in outcomes],
        }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=1, default=str))
    print(f"\nWrote {args.out}")
    return 0


def start_and_run(args: argparse.Namespace) -> int:
    """Starts an action server and a Rasa server (tests/support/servers.py) for the run."""
    from tests.support import servers as harness

    args.twilio_auth_token = args.twilio_auth_token or secrets.token_hex(16)
    args.sms_webhook_url = args.sms_webhook_url or SMS_WEBHOOK_URL
    token = secrets.token_hex(24)  # never starts with "-", which rasa would read as an option
    with tempfile.TemporaryDirectory(prefix="people-bench-") as tmp:
        env = {
            "TWILIO_AUTH_TOKEN": args.twilio_auth_token,
            "SMS_WEBHOOK_URL": args.sms_webhook_url,
            "DATABASE_URL": f"sqlite:///{tmp}/assistant.db",
            "TRACKER_STORE_URL": f"sqlite:///{tmp}/conversations.db",
        }
        os.environ.update(env)  # for a harness that passes its own environment on
        log_dir = args.out.parent / "people-servers"  # kept: the servers' logs
        log_dir.mkdir(parents=True, exist_ok=True)
        running = harness.Servers(
            rasa_port=harness.free_port(),
            action_port=harness.free_port(),
            log_dir=log_dir,
            token=token,
            interface="127.0.0.1",
            env=env,
        )
        print(f"Starting the action server and the Rasa server (logs: {log_dir})...", flush=True)
        try:
            running.start()
        except harness.ServerError as error:
            print(error, file=sys.stderr)
            return 1
        try:
            return run(args, running.base_url, token)
        finally:
            running.stop()


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://localhost:5005", help="a running Rasa server")
    parser.add_argument("--token", default=None, help="Rasa HTTP API token: read the trackers")
    parser.add_argument("--start", action="store_true", help="start servers for this run")
    parser.add_argument("--channel", choices=["rest", "sms", "both"], default="both")
    parser.add_argument("--people", type=Path, default=PEOPLE)
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument(
        "--domain",
        type=Path,
        action="append",
        help="domain file or folder (repeatable; default domain/)",
    )
    parser.add_argument("--turns", type=int, default=40, help="messages per person at most")
    parser.add_argument("--workers", type=int, default=2, help="people talking at once")
    parser.add_argument("--twilio-auth-token", default=os.environ.get("TWILIO_AUTH_TOKEN"))
    parser.add_argument("--sms-webhook-url", default=os.environ.get("SMS_WEBHOOK_URL"))
    args = parser.parse_args(argv)
    args.domain = args.domain or [DOMAIN]
    if args.start:
        return start_and_run(args)
    return run(args, args.url.rstrip("/"), args.token)


if __name__ == "__main__":
    sys.exit(main())
