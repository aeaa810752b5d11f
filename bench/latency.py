"""REST latency and Rasa server memory over a realistic screening conversation.

    python -m bench.latency [--messages 200]   (or: make bench-latency)

Starts the action server and the Rasa server as the tests do (tests/support/servers.py)
with models/screening.tar.gz, then one user goes through the screening again and
again (hi, yes, the answers, then restart), one message at a time. Prints the
p50/p95/max reply time and the Rasa server's resident memory (VmRSS now, VmHWM
peak), and writes bench/results/latency.json.
"""

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Dict, List

from tests.support.servers import (
    MODEL,
    ROOT,
    Assistant,
    ServerError,
    Servers,
    free_port,
    memory_kib,
)

RESULTS = ROOT / "bench" / "results" / "latency.json"

# One screening, as a person might type it; "restart" starts the next round.
CONVERSATION = [
    "hi",
    "yes",
    "yeah",
    "my legs mostly",
    "when im falling asleep",
    "like 2 weeks",
    "yes",
    "percs",
    "no",
    "yes i ran out last week",
    "yes xanax",
    "no",
    "yes",
    "yea sometimes",
    "no",
    "restart",
]


def percentile(sorted_values: List[float], fraction: float) -> float:
    """Nearest-rank percentile of an ascending list."""
    index = max(0, min(len(sorted_values) - 1, round(fraction * len(sorted_values) + 0.5) - 1))
    return sorted_values[index]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=200)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="screening-bench-") as tmp:
        servers = Servers(rasa_port=free_port(), action_port=free_port(), log_dir=Path(tmp))
        print("Starting the action server and the Rasa server...", flush=True)
        started = time.perf_counter()
        try:
            servers.start()
        except ServerError as error:
            print(error, file=sys.stderr)
            return 1
        startup_seconds = time.perf_counter() - started
        memory_at_start = memory_kib(servers.rasa.pid)
        client = Assistant(servers.base_url)
        latencies: List[float] = []
        empty_replies = 0
        try:
            for i in range(args.messages):
                text = CONVERSATION[i % len(CONVERSATION)]
                sent = time.perf_counter()
                reply = client.say("bench-user", text)
                latencies.append(time.perf_counter() - sent)
                empty_replies += not reply
            rasa_memory = memory_kib(servers.rasa.pid)
            action_memory = memory_kib(servers.action.pid)
        finally:
            client.close()
            servers.stop()

    ordered = sorted(latencies)
    results: Dict[str, Any] = {
        "messages": len(latencies),
        "empty_replies": empty_replies,
        "startup_seconds": round(startup_seconds, 1),
        "latency_ms": {
            "p50": round(percentile(ordered, 0.50) * 1000, 1),
            "p95": round(percentile(ordered, 0.95) * 1000, 1),
            "max": round(ordered[-1] * 1000, 1),
            "mean": round(sum(ordered) / len(ordered) * 1000, 1),
            "first": round(latencies[0] * 1000, 1),
        },
        "rasa_server_memory_mib": {
            "rss_after_start": round(memory_at_start.get("VmRSS", 0) / 1024, 1),
            "rss": round(rasa_memory.get("VmRSS", 0) / 1024, 1),
            "peak_hwm": round(rasa_memory.get("VmHWM", 0) / 1024, 1),
        },
        "action_server_memory_mib": {
            "rss": round(action_memory.get("VmRSS", 0) / 1024, 1),
            "peak_hwm": round(action_memory.get("VmHWM", 0) / 1024, 1),
        },
        "model": str(MODEL.relative_to(ROOT)),
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")

    latency = results["latency_ms"]
    memory = results["rasa_server_memory_mib"]
    print(f"Servers ready in {startup_seconds:.1f} s")
    print(
        f"{len(latencies)} messages: p50 {latency['p50']} ms, p95 {latency['p95']} ms, "
        f"max {latency['max']} ms (first {latency['first']} ms)"
    )
    print(f"Rasa server memory: VmRSS {memory['rss']} MiB, peak VmHWM {memory['peak_hwm']} MiB")
    if empty_replies:
        print(f"Warning: {empty_replies} messages got no reply.")
    print(f"Written to {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
