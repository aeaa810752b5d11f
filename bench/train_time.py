"""Training from scratch: this assistant beside a stock `rasa init` bot, on the same
machine in the same run.

    python -m bench.train_time      (or: make bench-train)

In a temporary directory, `rasa init --no-prompt` makes Rasa's stock starter bot. Then
each is trained from scratch with the training command of the Makefile (plain
`rasa train`), each with an empty Rasa cache (RASA_CACHE_DIRECTORY) and its model
written to the temporary directory, so the project's models/ and .rasa/ are left alone.
Prints both times and the components each trained; writes bench/results/train_time.json.
"""

import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from importlib.metadata import version
from pathlib import Path
from typing import Any, Dict, List

from tests.support.servers import ROOT, server_env

RESULTS = ROOT / "bench" / "results" / "train_time.json"


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


def trained_components(log: Path) -> List[str]:
    return re.findall(r"Starting to train component '([^']+)'", log.read_text())


def main() -> int:
    results: Dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="screening-train-") as tmp:
        work = Path(tmp)
        stock = work / "stock-bot"
        stock.mkdir()
        print("rasa init --no-prompt (Rasa's stock starter bot; it trains once itself)...")
        init_seconds = rasa_command(
            ["init", "--no-prompt", "--init-dir", str(stock)],
            work,
            work / "cache-init",
            work / "init.log",
        )
        for name, cwd, train_args in (
            (
                "this_assistant",
                ROOT,
                ["--fixed-model-name", "screening", "--config", "config.yml"]
                + ["--domain", "domain", "--data", "data"],
            ),
            ("stock_rasa_init_bot", stock, []),
        ):
            print(f"Training {name.replace('_', ' ')} from scratch...", flush=True)
            log = work / f"{name}.log"
            seconds = rasa_command(
                ["train", *train_args, "--out", str(work / f"models-{name}")],
                cwd,
                work / f"cache-{name}",
                log,
            )
            components = trained_components(log)
            results[name] = {
                "training_seconds": round(seconds, 1),
                "components_trained": components,
            }
            print(f"  {seconds:.1f} s ({len(components)} components trained)")
        results["stock_rasa_init_seconds_including_its_training"] = round(init_seconds, 1)

    results.update(
        rasa=version("rasa"),
        cpu_count=os.cpu_count(),
        python=platform.python_version(),
        measured_at=time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    ours, stock_bot = results["this_assistant"], results["stock_rasa_init_bot"]
    print(
        f"Training from scratch: this assistant {ours['training_seconds']} s, "
        f"stock rasa init bot {stock_bot['training_seconds']} s (same machine, same run)"
    )
    print(f"Written to {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
