"""Load: many people doing a whole screening over REST at the same time, on Locust.

    python -m bench.load [--people 50] [--think 5 15]   (or: make bench-load)

Starts the action server and the Rasa server as the tests do (tests/support/servers.py,
models/screening.tar.gz, the default SQLite tracker store in a temporary file, or
TRACKER_STORE_URL / LOCK_STORE_URL if set). Then runs Locust headless
(bench/locustfile.py) with --people users, all started at once: each goes through the
whole screening once, waiting a random --think time before each message (--think 0 0:
no pause, a stress test of the server's capacity), and Locust stops when all are done.

Prints and writes bench/results/load.json: replies per second, p50/p95/p99/max reply
latency, errors (no HTTP 200 answer), lost replies (the expected question or answer
missing), duplicated replies (the same message twice in one reply), and the Rasa
server's peak resident memory (VmHWM). Locust's own report: bench/results/load.html.
Goal on a 2-core machine with 50 people: 0 errors,
0 lost, p95 under 500 ms.
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Dict

from tests.support.screening_script import SCREENING
from tests.support.servers import MODEL, ROOT, ServerError, Servers, free_port, memory_kib

RESULTS = ROOT / "bench" / "results"
RUN_TIME_LIMIT = "30m"  # Locust stops by then whatever happens


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=50)
    parser.add_argument("--think", type=float, nargs=2, default=[5.0, 15.0], metavar=("MIN", "MAX"))
    args = parser.parse_args()
    RESULTS.mkdir(parents=True, exist_ok=True)
    summary = RESULTS / "locust_summary.json"
    summary.unlink(missing_ok=True)

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
        print(f"Locust: {args.people} people, {len(SCREENING)} messages each...", flush=True)
        started = time.perf_counter()
        try:
            locust = subprocess.run(
                [sys.executable, "-m", "locust", "-f", "bench/locustfile.py", "--headless"]
                + ["--host", servers.base_url, "--users", str(args.people)]
                + ["--spawn-rate", str(args.people), "--run-time", RUN_TIME_LIMIT]
                + ["--think-min", str(args.think[0]), "--think-max", str(args.think[1])]
                + ["--only-summary", "--summary-json", str(summary)]
                + ["--html", str(RESULTS / "load.html")],
                cwd=ROOT,
                stdin=subprocess.DEVNULL,
            )
            wall_seconds = time.perf_counter() - started
            rasa_peak = memory_kib(servers.rasa.pid).get("VmHWM", 0)
            action_peak = memory_kib(servers.action.pid).get("VmHWM", 0)
        finally:
            servers.stop()

    if not summary.exists():
        print(f"Locust wrote no report (exit code {locust.returncode}).", file=sys.stderr)
        return 1
    results: Dict[str, Any] = {
        "people": args.people,
        "think_seconds": args.think,
        "wall_seconds": round(wall_seconds, 1),
        **json.loads(summary.read_text()),
        "rasa_server_peak_rss_mib": round(rasa_peak / 1024, 1),
        "action_server_peak_rss_mib": round(action_peak / 1024, 1),
        "tracker_store": "TRACKER_STORE_URL" if os.environ.get("TRACKER_STORE_URL") else "sqlite",
        "load_generator": "locust (bench/locustfile.py)",
        "model": str(MODEL.relative_to(ROOT)),
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    (RESULTS / "load.json").write_text(json.dumps(results, indent=2) + "\n")
    latency = results["latency_ms"]
    print(
        f"{results['replies']}/{results['messages_sent']} replies in {results['wall_seconds']} s "
        f"({results['replies_per_second']}/s): p50 {latency['p50']} ms, p95 {latency['p95']} ms, "
        f"p99 {latency['p99']} ms, max {latency['max']} ms"
    )
    print(
        f"errors {results['errors']}, lost {results['lost_replies']}, "
        f"duplicated {results['duplicated_replies']}; "
        f"Rasa server peak memory {results['rasa_server_peak_rss_mib']} MiB"
    )
    print(f"Written to {(RESULTS / 'load.json').relative_to(ROOT)} (Locust's report: load.html)")
    return 0 if results["errors"] == 0 and results["lost_replies"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
