"""Rasa's stock starter bot (`rasa init --no-prompt`), the yardstick of the benchmarks.

bench/train_time.py and bench/latency.py build it in a temporary directory and
measure this assistant beside it, on the same machine in the same run.
"""

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Dict, List

from tests.support.servers import server_env


def rasa_command(args: List[str], cwd: Path, cache: Path, log: Path) -> float:
    """Runs `rasa ARGS` in `cwd` with its own cache; returns the wall time."""
    env = server_env({"RASA_CACHE_DIRECTORY": str(cache)})
    started = time.perf_counter()
    with log.open("w") as out:
        result = subprocess.run(
            [sys.executable, "-m", "rasa", *args],
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        sys.stdout.write(log.read_text()[-3000:])
        raise SystemExit(f"rasa {' '.join(args)} failed (exit code {result.returncode}).")
    return seconds


def init_stock_bot(work: Path) -> float:
    """`rasa init --no-prompt` into work/stock-bot (it trains once itself, into its
    models/); returns the wall time."""
    stock = stock_bot_dir(work)
    stock.mkdir()
    return rasa_command(
        ["init", "--no-prompt", "--init-dir", str(stock)],
        work,
        work / "cache-init",
        work / "init.log",
    )


def stock_bot_dir(work: Path) -> Path:
    return work / "stock-bot"


def stock_bot_model(work: Path) -> Path:
    """The model `rasa init` trained (its name has a timestamp)."""
    models = sorted((stock_bot_dir(work) / "models").glob("*.tar.gz"))
    if not models:
        raise SystemExit(f"rasa init left no model in {stock_bot_dir(work) / 'models'}.")
    return models[-1]


def load_average() -> Dict[str, float]:
    """The machine's load (1, 5, 15 minutes): other people's work skews the timings."""
    one, five, fifteen = os.getloadavg()
    return {"1min": round(one, 2), "5min": round(five, 2), "15min": round(fifteen, 2)}
