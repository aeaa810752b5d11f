"""Locust: people each doing one whole screening over REST, as a person would.

    make bench-load                      (starts the servers, 50 people; bench/load.py)
    locust -f bench/locustfile.py --host http://localhost:5005 --headless -u 50 -r 50

Each simulated person goes through tests/support/screening_script.py once, waiting
--think-min to --think-max seconds (default 5 to 15) before each message, as a person
reads a question and types a short answer on a phone (0 0: no pause, a stress test),
then stops; the run ends when everyone is done.

Every message is one request named "screening message". A request fails when there is
no HTTP 200 answer (an error), when the reply lacks the expected question ("lost
reply") or has the same message twice ("duplicated reply").
"""

import json
import random
import re
import uuid
from collections import Counter
from pathlib import Path
from typing import Any, List

import gevent
from locust import HttpUser, User, events, task
from locust.env import Environment
from locust.exception import StopUser

from tests.support.content import says
from tests.support.screening_script import SCREENING

REST_PATH = "/webhooks/rest/webhook"
REQUEST_NAME = "screening message"


@events.init_command_line_parser.add_listener
def _(parser: Any) -> None:
    parser.add_argument("--think-min", type=float, default=5.0, help="seconds (default 5)")
    parser.add_argument("--think-max", type=float, default=15.0, help="seconds (default 15)")
    parser.add_argument("--summary-json", default="", help="write the figures there at the end")


@events.spawning_complete.add_listener
def quit_when_everyone_is_done(user_count: int, **_kwargs: Any) -> None:
    """Locust would run until --run-time; everyone does one screening, so stop after it."""

    def watch() -> None:
        runner = ENVIRONMENT[0].runner
        while runner is not None and runner.user_count > 0:
            gevent.sleep(0.5)
        if runner is not None:
            runner.quit()

    gevent.spawn(watch)


ENVIRONMENT: List[Environment] = []


@events.quitting.add_listener
def write_summary(environment: Environment, **_kwargs: Any) -> None:
    """--summary-json: the run's figures, from Locust's final statistics."""
    options = environment.parsed_options
    if options is None or not options.summary_json:
        return
    total = environment.stats.total
    kinds: Counter = Counter()
    for error in environment.stats.errors.values():
        kind = re.search(r"(lost and duplicated|lost|duplicated) reply to", str(error.error))
        kinds[kind.group(1) if kind else "error"] += error.occurrences
    summary = {
        "messages_sent": total.num_requests,
        "replies": total.num_requests - kinds["error"],
        "replies_per_second": round(total.total_rps, 1),
        # Locust's percentiles: response times rounded to 2 significant digits
        "latency_ms": {
            "p50": total.get_response_time_percentile(0.5),
            "p95": total.get_response_time_percentile(0.95),
            "p99": total.get_response_time_percentile(0.99),
            "max": round(total.max_response_time, 1),
        },
        "errors": kinds["error"],
        "lost_replies": kinds["lost"] + kinds["lost and duplicated"],
        "duplicated_replies": kinds["duplicated"] + kinds["lost and duplicated"],
    }
    Path(options.summary_json).write_text(json.dumps(summary, indent=2) + "\n")


@events.init.add_listener
def remember(environment: Environment, **_kwargs: Any) -> None:
    ENVIRONMENT.append(environment)


def problem(texts: list, expected: Any) -> str:
    """Why a 200 reply is a failure, or ""."""
    reply = "\n".join(texts)
    lost = not texts or (expected is not None and not says(reply, expected))
    duplicated = len(set(texts)) < len(texts)
    found = [name for name, bad in (("lost", lost), ("duplicated", duplicated)) if bad]
    return f"{' and '.join(found)} reply" if found else ""


def think_time(user: User) -> float:
    """Seconds a person takes to read a question and type an answer (--think-min/max)."""
    options = user.environment.parsed_options
    low, high = (options.think_min, options.think_max) if options else (5.0, 15.0)
    return random.uniform(low, high)


class Person(HttpUser):
    wait_time = think_time

    @task
    def screening(self) -> None:
        sender = f"load-{uuid.uuid4().hex[:12]}"
        for text, expected in SCREENING:
            self.wait()
            with self.client.post(
                REST_PATH,
                json={"sender": sender, "message": text},
                name=REQUEST_NAME,
                timeout=60,
                catch_response=True,
            ) as response:
                if response.status_code != 200:
                    response.failure(f"error: HTTP {response.status_code} {response.error or ''}")
                    continue
                try:
                    texts = [m.get("text") for m in response.json() if m.get("text")]
                except (ValueError, TypeError, AttributeError):
                    response.failure(f"error: not a list of messages: {response.text[:80]!r}")
                    continue
                why = problem(texts, expected)
                if why:
                    response.failure(f"{why} to {text!r}")
        raise StopUser()
