"""Training time from scratch, and the time of a second prepare with nothing changed.

    .venv/bin/python bench/train_time.py      (or: make bench-train)

1. Removes models/screening.tar.gz, its fingerprint and Rasa's cache (.rasa/cache),
   then runs scripts/prepare.sh, which trains with its one training command
   (rasa train --force --fixed-model-name screening ...); the spaCy pipeline is
   kept if it is up to date.
2. Runs scripts/prepare.sh again with nothing changed: it should not train.
Prints both figures and writes bench/results/train_time.json.
"""

import json
import os
import platform
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Dict, Tuple

ROOT = Path(__file__).resolve().parents[1]
MODEL = ROOT / "models" / "screening.tar.gz"
STAMP = ROOT / "models" / ".fingerprint"
CACHE = ROOT / ".rasa" / "cache"
RESULTS = ROOT / "bench" / "results" / "train_time.json"


def prepare() -> Tuple[float, str]:
    """Runs scripts/prepare.sh; returns its wall time and output."""
    env = dict(os.environ, RASA_TELEMETRY_ENABLED="false", PYTHONUNBUFFERED="1")
    started = time.perf_counter()
    result = subprocess.run(
        ["bash", "scripts/prepare.sh"],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        sys.stdout.write(result.stdout)
        raise SystemExit(f"scripts/prepare.sh failed (exit code {result.returncode}).")
    return elapsed, result.stdout


def main() -> int:
    for path in (MODEL, STAMP):
        path.unlink(missing_ok=True)
    shutil.rmtree(CACHE, ignore_errors=True)

    print("Training from scratch (model and .rasa/cache removed)...", flush=True)
    first_seconds, first_output = prepare()
    trained = re.search(r"Model trained in ([\d.]+) s", first_output)
    if trained is None:
        sys.stdout.write(first_output)
        raise SystemExit("The first scripts/prepare.sh did not train a model.")
    model_mtime = MODEL.stat().st_mtime_ns

    print("Second scripts/prepare.sh with nothing changed...", flush=True)
    second_seconds, second_output = prepare()
    retrained = "Training the model" in second_output or MODEL.stat().st_mtime_ns != model_mtime

    results: Dict[str, Any] = {
        "first_prepare_seconds": round(first_seconds, 1),
        "training_seconds": float(trained.group(1)),
        "second_prepare_seconds": round(second_seconds, 2),
        "retrained_on_second_prepare": retrained,
        "model_bytes": MODEL.stat().st_size,
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")

    print(f"Training from scratch: {first_seconds:.1f} s (rasa train: {trained.group(1)} s)")
    print(
        f"Second prepare, nothing changed: {second_seconds:.2f} s, "
        f"retrained: {'YES (unexpected)' if retrained else 'no'}"
    )
    print(f"Written to {RESULTS.relative_to(ROOT)}")
    return 1 if retrained else 0


if __name__ == "__main__":
    sys.exit(main())
