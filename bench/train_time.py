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
from datetime import datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any, Dict, List

from bench.stock_bot import init_stock_bot, load_average, rasa_command, stock_bot_dir
from tests.support.servers import ROOT

RESULTS = ROOT / "bench" / "results" / "train_time.json"


def trained_components(log: Path) -> List[str]:
    return re.findall(r"Starting to train component '([^']+)'", log.read_text())


COMPONENT_EVENT = re.compile(
    r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) .*"
    r"(Starting to train|Finished training) component '([^']+)'",
    re.MULTILINE,
)


def component_seconds(log: Path) -> List[List[Any]]:
    """[component, seconds] in training order, from the log's timestamps (to the
    second): where the training time goes."""
    started: Dict[str, datetime] = {}
    seconds: List[List[Any]] = []
    for stamp, event, name in COMPONENT_EVENT.findall(log.read_text().replace("\r", "\n")):
        at = datetime.strptime(stamp, "%Y-%m-%d %H:%M:%S")
        if event.startswith("Starting"):
            started[name] = at
        elif name in started:
            seconds.append([name, (at - started.pop(name)).total_seconds()])
    return seconds


def make_train_args() -> List[str]:
    """The arguments `make` trains the model with (the Makefile's TRAIN_ARGS)."""
    found = subprocess.run(
        ["make", "--no-print-directory", "-s", "train-args"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return found.stdout.split()


def train_from_scratch(name: str, cwd: Path, train_args: List[str], work: Path) -> Dict[str, Any]:
    """`rasa train` in `cwd` with an empty cache; its time, components and the load."""
    print(f"Training {name.replace('_', ' ')} from scratch...", flush=True)
    log = work / f"{name}.log"
    load_before = load_average()
    seconds = rasa_command(
        ["train", *train_args, "--out", str(work / f"models-{name}")],
        cwd,
        work / f"cache-{name}",
        log,
    )
    load_after = load_average()
    components = component_seconds(log)
    result: Dict[str, Any] = {
        "training_seconds": round(seconds, 1),
        "components_trained": trained_components(log),
        "component_seconds": components,
        "load_average_before": load_before,
        "load_average_after": load_after,
    }
    print(
        f"  {seconds:.1f} s (load average before {load_before['1min']}, "
        f"after {load_after['1min']})"
    )
    print("  " + ", ".join(f"{c} {t:.0f} s" for c, t in components))
    return result


def main() -> int:
    results: Dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="screening-train-") as tmp:
        work = Path(tmp)
        print("rasa init --no-prompt (Rasa's stock starter bot; it trains once itself)...")
        init_seconds = init_stock_bot(work)
        stock = stock_bot_dir(work)
        for name, cwd, train_args in (
            (
                "this_assistant",
                ROOT,
                make_train_args(),
            ),
            ("stock_rasa_init_bot", stock, []),
        ):
            results[name] = train_from_scratch(name, cwd, train_args, work)
        results["stock_rasa_init_seconds_including_its_training"] = round(init_seconds, 1)

    ours, stock_bot = results["this_assistant"], results["stock_rasa_init_bot"]
    ratio = ours["training_seconds"] / stock_bot["training_seconds"]
    # The stock bot trains before ours (in rasa init) and after: their mean evens
    # out a load that changed while ours trained.
    stock_mean = (
        stock_bot["training_seconds"] + results["stock_rasa_init_seconds_including_its_training"]
    ) / 2
    results.update(
        ratio_ours_to_stock=round(ratio, 2),
        ratio_ours_to_stock_before_and_after=round(ours["training_seconds"] / stock_mean, 2),
        rasa=version("rasa"),
        cpu_count=os.cpu_count(),
        python=platform.python_version(),
        measured_at=time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(
        f"Training from scratch: this assistant {ours['training_seconds']} s, "
        f"stock rasa init bot {stock_bot['training_seconds']} s, ratio {ratio:.2f} "
        "(same machine, same run; standard: at most 1.2)"
    )
    print(
        f"Ratio to the stock bot's mean of before (rasa init, "
        f"{results['stock_rasa_init_seconds_including_its_training']} s) and after: "
        f"{results['ratio_ours_to_stock_before_and_after']:.2f}"
    )
    print(f"Written to {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
