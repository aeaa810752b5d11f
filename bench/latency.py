"""REST latency and Rasa server memory over a realistic screening conversation,
beside a stock `rasa init` bot measured in the same run.

    python -m bench.latency [--messages 200]   (or: make bench-latency)

In a temporary directory, `rasa init --no-prompt` makes and trains Rasa's stock
starter bot (bench/stock_bot.py). Then the action server and the Rasa server start
as the tests start them (tests/support/servers.py) with models/screening.tar.gz, and
the stock bot starts with plain `rasa run --enable-api` (it needs no action server).
One user goes through the screening again and again (hi, yes, the answers, then
restart) and another through a stock-bot conversation of the same length, over
REST, one message at a time, taking turns: so both see the same load from anything
else running on the machine. Prints the p50/p95/max reply time of both, the ratios
(ours / stock) and the Rasa servers' resident memory (VmRSS now, VmHWM peak), and
writes bench/results/latency.json.
"""

import argparse
import json
import os
import platform
import secrets
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Dict, List

from bench.stock_bot import init_stock_bot, load_average, stock_bot_dir, stock_bot_model
from tests.support.servers import (
    MODEL,
    ROOT,
    Assistant,
    ManagedProcess,
    ServerError,
    Servers,
    free_port,
    memory_kib,
    python,
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

# The stock bot's conversation, as long as ours: its stories (greet, mood, did that
# help), its rules (bot challenge, goodbye) and /restart, which starts the next round
# (data/ of `rasa init`).
STOCK_CONVERSATION = [
    "hi",
    "i feel sad",
    "yes",
    "bye",
    "hello",
    "im great",
    "are you a bot?",
    "goodbye",
    "hey there",
    "not good",
    "no",
    "good morning",
    "very happy",
    "am i talking to a human?",
    "see you later",
    "/restart",
]


def percentile(sorted_values: List[float], fraction: float) -> float:
    """Nearest-rank percentile of an ascending list."""
    index = max(0, min(len(sorted_values) - 1, round(fraction * len(sorted_values) + 0.5) - 1))
    return sorted_values[index]


def latency_ms(latencies: List[float]) -> Dict[str, float]:
    ordered = sorted(latencies)
    return {
        "p50": round(percentile(ordered, 0.50) * 1000, 1),
        "p95": round(percentile(ordered, 0.95) * 1000, 1),
        "max": round(ordered[-1] * 1000, 1),
        "mean": round(sum(ordered) / len(ordered) * 1000, 1),
        "first": round(latencies[0] * 1000, 1),
    }


def memory_mib(pid: int) -> Dict[str, float]:
    memory = memory_kib(pid)
    return {
        "rss": round(memory.get("VmRSS", 0) / 1024, 1),
        "peak_hwm": round(memory.get("VmHWM", 0) / 1024, 1),
    }


def stock_rasa_server(work: Path, port: int) -> ManagedProcess:
    """The stock bot as `rasa run --enable-api` serves it: its own model, endpoints and
    credentials (REST); the API behind a throwaway token, on this machine only."""
    stock = stock_bot_dir(work)
    command = [python(), "-m", "rasa", "run", "--model", str(stock_bot_model(work))]
    command += ["--endpoints", str(stock / "endpoints.yml")]
    command += ["--credentials", str(stock / "credentials.yml")]
    command += ["--port", str(port), "--interface", "127.0.0.1"]
    command += ["--enable-api", "--auth-token", secrets.token_hex(16)]
    return ManagedProcess(
        "stock Rasa server",
        command,
        ready_url=f"http://127.0.0.1:{port}/",
        log_path=work / "stock_rasa_server.log",
    )


def timed_say(client: Assistant, sender: str, text: str) -> tuple[float, bool]:
    """Seconds until the reply, and whether it was empty."""
    sent = time.perf_counter()
    reply = client.say(sender, text)
    return time.perf_counter() - sent, not reply


def converse_in_turns(ours: Assistant, stock: Assistant, messages: int) -> Dict[str, Any]:
    """Both conversations, one message each in turn; their latencies and empty replies."""
    latencies: Dict[str, List[float]] = {"ours": [], "stock": []}
    empty = {"ours": 0, "stock": 0}
    run = secrets.token_hex(4)  # our conversations are stored: new people each run
    for i in range(messages):
        for name, client, conversation in (
            ("ours", ours, CONVERSATION),
            ("stock", stock, STOCK_CONVERSATION),
        ):
            # A new person each round, as on the site: one conversation of a round's
            # length, not one conversation growing for the whole run.
            person = f"bench-{run}-{i // len(conversation)}"
            seconds, was_empty = timed_say(client, person, conversation[i % len(conversation)])
            latencies[name].append(seconds)
            empty[name] += was_empty
    return {"latencies": latencies, "empty": empty}


def start_timed(start: Any) -> float:
    started = time.perf_counter()
    start()
    return time.perf_counter() - started


def start_stock_server(server: ManagedProcess) -> None:
    server.start()
    try:
        server.wait_until_ready()
    except ServerError:
        server.stop()
        raise


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=200)
    args = parser.parse_args()
    if not MODEL.exists():
        print(f"{MODEL} does not exist: run `make prepare` first.", file=sys.stderr)
        return 1

    with tempfile.TemporaryDirectory(prefix="screening-bench-") as tmp:
        work = Path(tmp)
        print("rasa init --no-prompt (Rasa's stock starter bot; it trains once itself)...")
        init_stock_bot(work)
        servers = Servers(rasa_port=free_port(), action_port=free_port(), log_dir=work)
        stock_server = stock_rasa_server(work, free_port())
        print("Starting the action server, the Rasa server and the stock bot...", flush=True)
        try:
            startup_seconds = start_timed(servers.start)
        except ServerError as error:
            print(error, file=sys.stderr)
            return 1
        ours = Assistant(servers.base_url)
        stock = Assistant(stock_server.ready_url)
        try:
            stock_startup_seconds = start_timed(lambda: start_stock_server(stock_server))
            memory_at_start = memory_mib(servers.rasa.pid)
            stock_memory_at_start = memory_mib(stock_server.pid)
            load_before = load_average()
            print(f"{args.messages} messages to each, in turns...", flush=True)
            measured = converse_in_turns(ours, stock, args.messages)
            load_after = load_average()
            rasa_memory = memory_mib(servers.rasa.pid)
            action_memory = memory_mib(servers.action.pid)
            stock_memory = memory_mib(stock_server.pid)
        except ServerError as error:
            print(error, file=sys.stderr)
            return 1
        finally:
            ours.close()
            stock.close()
            stock_server.stop()
            servers.stop()

    ours_ms = latency_ms(measured["latencies"]["ours"])
    stock_ms = latency_ms(measured["latencies"]["stock"])
    results: Dict[str, Any] = {
        "messages": args.messages,
        "this_assistant": {
            "empty_replies": measured["empty"]["ours"],
            "startup_seconds": round(startup_seconds, 1),
            "latency_ms": ours_ms,
            "rasa_server_memory_mib": {
                "rss_after_start": memory_at_start["rss"],
                **rasa_memory,
            },
            "action_server_memory_mib": action_memory,
            "model": str(MODEL.relative_to(ROOT)),
        },
        "stock_rasa_init_bot": {
            "empty_replies": measured["empty"]["stock"],
            "startup_seconds": round(stock_startup_seconds, 1),
            "latency_ms": stock_ms,
            "rasa_server_memory_mib": {
                "rss_after_start": stock_memory_at_start["rss"],
                **stock_memory,
            },
        },
        "ratio_ours_to_stock": {
            "p50": round(ours_ms["p50"] / stock_ms["p50"], 2),
            "p95": round(ours_ms["p95"] / stock_ms["p95"], 2),
        },
        "load_average_before": load_before,
        "load_average_after": load_after,
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print_summary(results)
    return 0


def print_summary(results: Dict[str, Any]) -> None:
    for key, label in (("this_assistant", "This assistant"), ("stock_rasa_init_bot", "Stock bot")):
        bot = results[key]
        latency, memory = bot["latency_ms"], bot["rasa_server_memory_mib"]
        print(
            f"{label}: ready in {bot['startup_seconds']} s; {results['messages']} messages: "
            f"p50 {latency['p50']} ms, p95 {latency['p95']} ms, max {latency['max']} ms "
            f"(first {latency['first']} ms); Rasa server VmRSS {memory['rss']} MiB, "
            f"peak {memory['peak_hwm']} MiB"
        )
        if bot["empty_replies"]:
            print(f"  Warning: {bot['empty_replies']} messages got no reply.")
    ratio = results["ratio_ours_to_stock"]
    print(f"Ours / stock: p50 {ratio['p50']}x, p95 {ratio['p95']}x (standard: at most 1.5x)")
    load = results["load_average_before"], results["load_average_after"]
    print(f"Load average (1 min) before {load[0]['1min']}, after {load[1]['1min']}")
    print(f"Written to {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    sys.exit(main())
