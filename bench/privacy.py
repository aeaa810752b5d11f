"""What encryption at rest costs: reply time and the size of the conversations table,
with encryption off and on, in the same run.

    python -m bench.privacy [--people 6] [--model models/screening.tar.gz]

Two assistants start side by side (tests/support/servers.py), each with its own empty
SQLite databases and keys: one with DATA_ENCRYPTION=off (events and callback requests
stored in plain text, as before), one with encryption on (the default). The same
people then go through a whole screening and a callback request over REST, one
message at a time, taking turns between the two, so that both see the same load
from anything else on the machine. Prints the p50/p95/mean reply time of each, and
the events table of each: rows, bytes in its `data` column, and the SQLite file size.
"""

import argparse
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Dict, List

import sqlalchemy as sa

from bench.latency import CONVERSATION as SCREENING
from tests.support.servers import MODEL, Assistant, Servers, free_port

MODES = ("off", "on")
# One person: a whole screening, then a callback request ({n}: this person's number).
CONVERSATION = [
    *SCREENING[:-1],  # the latency benchmark's screening, without its "restart"
    "call me back",
    "yes",
    "Sam",
    "617-555-{n:04d}",
    "after 5pm",
]


def start(mode: str, folder: Path, model: Path) -> Servers:
    folder.mkdir(parents=True)
    env = {
        "DATA_ENCRYPTION": mode,
        "ASSISTANT_DATA_DIR": str(folder / "data"),
        "DATABASE_URL": f"sqlite:///{folder / 'assistant.db'}",
        "TRACKER_STORE_URL": f"sqlite:///{folder / 'conversations.db'}",
    }
    servers = Servers(free_port(), free_port(), folder, interface="127.0.0.1", model=model, env=env)
    servers.start()
    return servers


def percentile(values: List[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def events_table(folder: Path) -> Dict[str, int]:
    path = folder / "conversations.db"
    engine = sa.create_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as connection:
            rows, size = connection.execute(
                sa.text("SELECT COUNT(*), COALESCE(SUM(LENGTH(data)), 0) FROM events")
            ).one()
    finally:
        engine.dispose()
    return {"rows": int(rows), "data_bytes": int(size), "file_bytes": path.stat().st_size}


def run(people: int, model: Path) -> Dict[str, Dict[str, float]]:
    times: Dict[str, List[float]] = {mode: [] for mode in MODES}
    with tempfile.TemporaryDirectory(prefix="bench-privacy-") as scratch:
        servers = {mode: start(mode, Path(scratch) / mode, model) for mode in MODES}
        clients = {mode: Assistant(servers[mode].base_url) for mode in MODES}
        try:
            for mode in MODES:  # warm-up: the first replies load what is loaded lazily
                clients[mode].say(f"warm-{secrets.token_hex(4)}", "hi")
            for person in range(people):
                sender = f"bench-{person}-{secrets.token_hex(4)}"
                for text in CONVERSATION:
                    message = text.format(n=person)
                    for mode in MODES:
                        started = time.perf_counter()
                        clients[mode].say(sender, message)
                        times[mode].append(time.perf_counter() - started)
            tables = {mode: events_table(Path(scratch) / mode) for mode in MODES}
        finally:
            for mode in MODES:
                clients[mode].close()
                servers[mode].stop()
    return {
        mode: {
            "replies": len(times[mode]),
            "p50_ms": 1000 * statistics.median(times[mode]),
            "p95_ms": 1000 * percentile(times[mode], 0.95),
            "mean_ms": 1000 * statistics.mean(times[mode]),
            **tables[mode],
        }
        for mode in MODES
    }


def report(results: Dict[str, Dict[str, float]]) -> str:
    off, on = results["off"], results["on"]
    lines = [
        f"{'':28}{'encryption off':>16}{'encryption on':>16}{'on / off':>10}",
    ]
    for key, label in (
        ("p50_ms", "reply time p50 (ms)"),
        ("p95_ms", "reply time p95 (ms)"),
        ("mean_ms", "reply time mean (ms)"),
        ("rows", "events rows"),
        ("data_bytes", "events data column (bytes)"),
        ("file_bytes", "conversations.db (bytes)"),
    ):
        ratio = on[key] / off[key] if off[key] else float("nan")
        lines.append(f"{label:28}{off[key]:>16.1f}{on[key]:>16.1f}{ratio:>10.2f}")
    lines.append(f"({int(on['replies'])} replies each, taking turns)")
    return "\n".join(lines)


def main(argv: List[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.privacy", description=__doc__)
    parser.add_argument("--people", type=int, default=6)
    parser.add_argument("--model", type=Path, default=MODEL)
    args = parser.parse_args(argv)
    print(report(run(args.people, args.model)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
