"""Load: many people doing a full screening over REST at the same time.

    .venv/bin/python bench/load.py [--people 50] [--think 5 15]   (or: make bench-load)

Starts the action server and the Rasa server as the tests do (scripts/servers.py,
models/screening.tar.gz, the default SQLite tracker store in a temporary file, or
TRACKER_STORE_URL / LOCK_STORE_URL if set). Then --people simulated people start
together; each goes through the whole screening (tests/screening_script.py), waiting
a random --think time (seconds, between the two numbers; default 5 to 15) before each
message, as a person reads a question and types a short answer on a phone
(--think 0 0: no pause, a stress test of the server's capacity).

Prints and writes bench/results/load.json: replies per second, p50/p95/p99/max reply
latency, errors (no HTTP 200 answer), lost replies (the expected question or answer
missing), duplicated replies (the same message twice in one reply), and the Rasa
server's peak resident memory (VmHWM). Goal on a 2-core machine with 50 people:
0 errors, 0 lost, p95 under 500 ms.
"""

import argparse
import json
import os
import platform
import random
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Dict, List

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "tests"))

from latency import percentile  # noqa: E402  (bench/ is on the path when run as a script)

from tests.support.content import says  # noqa: E402
from tests.support.screening_script import SCREENING  # noqa: E402
from tests.support.servers import MODEL, Assistant, ServerError, Servers, free_port, memory_kib  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "load.json"


class Tally:
    """Counts shared by the simulated people."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latencies: List[float] = []
        self.errors = 0
        self.lost = 0
        self.duplicated = 0
        self.peak_rss_kib = 0

    def add(self, seconds: float, error: bool, lost: bool, duplicated: bool) -> None:
        with self.lock:
            if not error:
                self.latencies.append(seconds)
            self.errors += error
            self.lost += lost
            self.duplicated += duplicated


def one_person(base_url: str, number: int, think: List[float], tally: Tally) -> None:
    rng = random.Random(number)
    client = Assistant(base_url, timeout=60)
    sender = f"load-{number}-{int(time.time())}"
    try:
        for text, expected in SCREENING:
            time.sleep(rng.uniform(*think))
            sent = time.perf_counter()
            try:
                messages = client.say(sender, text)
            except Exception:
                tally.add(0.0, error=True, lost=True, duplicated=False)
                continue
            seconds = time.perf_counter() - sent
            texts = [m.get("text") for m in messages if m.get("text")]
            reply = "\n".join(texts)
            lost = not texts or (expected is not None and not says(reply, expected))
            tally.add(seconds, error=False, lost=lost, duplicated=len(set(texts)) < len(texts))
    finally:
        client.close()


def watch_memory(pid: int, tally: Tally, stop: threading.Event) -> None:
    while not stop.wait(0.5):
        try:
            tally.peak_rss_kib = max(tally.peak_rss_kib, memory_kib(pid).get("VmHWM", 0))
        except OSError:
            return


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=50)
    parser.add_argument("--think", type=float, nargs=2, default=[5.0, 15.0], metavar=("MIN", "MAX"))
    args = parser.parse_args()
    os.chdir(ROOT)

    with tempfile.TemporaryDirectory(prefix="screening-load-") as tmp:
        env = {}
        if not os.environ.get("TRACKER_STORE_URL"):
            env["TRACKER_STORE_URL"] = f"sqlite:///{Path(tmp) / 'conversations.db'}"
        servers = Servers(free_port(), free_port(), Path(tmp), interface="127.0.0.1", env=env)
        print("Starting the action server and the Rasa server...", flush=True)
        try:
            servers.start()
        except ServerError as error:
            print(error, file=sys.stderr)
            return 1
        tally, stop = Tally(), threading.Event()
        watcher = threading.Thread(target=watch_memory, args=(servers.rasa.pid, tally, stop))
        watcher.start()
        print(f"{args.people} people, {len(SCREENING)} messages each...", flush=True)
        started = time.perf_counter()
        try:
            with ThreadPoolExecutor(args.people) as pool:
                for number in range(args.people):
                    pool.submit(one_person, servers.base_url, number, args.think, tally)
            wall_seconds = time.perf_counter() - started
            tally.peak_rss_kib = max(tally.peak_rss_kib, memory_kib(servers.rasa.pid)["VmHWM"])
            action_peak = memory_kib(servers.action.pid).get("VmHWM", 0)
        finally:
            stop.set()
            watcher.join()
            servers.stop()

    ordered = sorted(tally.latencies) or [0.0]
    sent = args.people * len(SCREENING)
    results: Dict[str, Any] = {
        "people": args.people,
        "messages_sent": sent,
        "replies": len(tally.latencies),
        "think_seconds": args.think,
        "wall_seconds": round(wall_seconds, 1),
        "replies_per_second": round(len(tally.latencies) / wall_seconds, 1),
        "latency_ms": {
            name: round(percentile(ordered, fraction) * 1000, 1)
            for name, fraction in (("p50", 0.5), ("p95", 0.95), ("p99", 0.99), ("max", 1.0))
        },
        "errors": tally.errors,
        "lost_replies": tally.lost,
        "duplicated_replies": tally.duplicated,
        "rasa_server_peak_rss_mib": round(tally.peak_rss_kib / 1024, 1),
        "action_server_peak_rss_mib": round(action_peak / 1024, 1),
        "tracker_store": "TRACKER_STORE_URL" if os.environ.get("TRACKER_STORE_URL") else "sqlite",
        "model": str(MODEL.relative_to(ROOT)),
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    latency = results["latency_ms"]
    print(
        f"{results['replies']}/{sent} replies in {results['wall_seconds']} s "
        f"({results['replies_per_second']}/s): p50 {latency['p50']} ms, p95 {latency['p95']} ms, "
        f"p99 {latency['p99']} ms, max {latency['max']} ms"
    )
    print(
        f"errors {tally.errors}, lost {tally.lost}, duplicated {tally.duplicated}; "
        f"Rasa server peak memory {results['rasa_server_peak_rss_mib']} MiB"
    )
    print(f"Written to {RESULTS.relative_to(ROOT)}")
    return 0 if tally.errors == 0 and tally.lost == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
