"""Start-up figures: how long `make run` takes until REST answers, from a fresh clone
and after typical edits, and what each start trained.

    python -m bench.startup      (or: make bench-startup)

In a temporary directory, a fresh clone of this repository (`git clone`; if the working
tree has uncommitted changes, its files as they would be committed, i.e. tracked and
untracked but not ignored, so no .venv, model, cache or node_modules). Then, each time
`make run` on free ports until the REST channel answers "hi", then Ctrl-C:

1. fresh clone -> ready: .venv (pip, with pip's own cache), npm ci, training, start;
2. second start with nothing changed: no training;
3. a response wording edit in domain/responses/ -> ready: which components retrained
   (models/train.log; no NLU component should);
4. a lexicon edit (a new misspelling in data/lexicon/substances.yml) -> ready: which
   components retrained.

Prints the figures and writes bench/results/startup.json. Run logs: bench/results/startup/.
"""

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Dict, List

import requests

from tests.support.servers import REST_PATH, ROOT, free_port

RESULTS = ROOT / "bench" / "results" / "startup.json"
LOGS = ROOT / "bench" / "results" / "startup"
READY_TIMEOUT = 3600.0  # a fresh clone installs everything first
NLU_COMPONENTS = (
    "BlankEnglishTokenizer",
    "LexiconEntityExtractor",
    "CountVectorsFeaturizer",
    "LogisticRegressionClassifier",
    "FallbackClassifier",
    "CrisisBackstop",
)


def fresh_clone(target: Path) -> str:
    """A clone of the repository in `target`; says how it was made."""
    changed = subprocess.run(
        ["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()
    if not changed:
        subprocess.run(["git", "clone", "--quiet", str(ROOT), str(target)], check=True)
        return "git clone"
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, set(listed.split("\0"))):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return "working tree with uncommitted changes (tracked and untracked, not ignored files)"


def make_env() -> Dict[str, str]:
    env = dict(os.environ)
    for name in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "VIRTUAL_ENV", "RASA_API_TOKEN"):
        env.pop(name, None)
    # The clone's own .venv, not this one.
    venv_bin = str(ROOT / ".venv" / "bin")
    env["PATH"] = os.pathsep.join(p for p in env["PATH"].split(os.pathsep) if p != venv_bin)
    env.update(RASA_PORT=str(free_port()), ACTION_PORT=str(free_port()), WEB_PORT=str(free_port()))
    return env


def rest_answers(port: str) -> bool:
    try:
        response = requests.post(
            f"http://localhost:{port}{REST_PATH}",
            json={"sender": "startup-bench", "message": "hi"},
            timeout=30,
        )
        return response.status_code == 200 and bool(response.json())
    except (requests.RequestException, ValueError):
        return False


def stop(run: "subprocess.Popen[bytes]") -> None:
    """Ctrl-C, as in a terminal: SIGINT to make's process group."""
    for sig, wait in ((signal.SIGINT, 60), (signal.SIGKILL, 30)):
        try:
            os.killpg(run.pid, sig)
        except ProcessLookupError:
            pass
        try:
            run.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


def make_run(clone: Path, label: str) -> Dict[str, Any]:
    """`make run` until REST answers, then Ctrl-C; seconds, and what trained."""
    env = make_env()
    log_path = LOGS / f"{label}.log"
    train_log = clone / "models" / "train.log"
    train_log_before = train_log.stat().st_mtime_ns if train_log.exists() else None
    print(f"{label}: make run...", flush=True)
    started = time.perf_counter()
    with log_path.open("w") as log:
        run = subprocess.Popen(
            ["make", "--no-print-directory", "run"],
            cwd=clone,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            while not rest_answers(env["RASA_PORT"]):
                if run.poll() is not None or time.perf_counter() - started > READY_TIMEOUT:
                    sys.stdout.write(log_path.read_text()[-3000:])
                    raise SystemExit(f"{label}: make run stopped or did not answer ({log_path}).")
                time.sleep(0.5)
            seconds = time.perf_counter() - started
        finally:
            stop(run)
    trained = train_log.exists() and train_log.stat().st_mtime_ns != train_log_before
    components: List[str] = []
    if trained:
        shutil.copy(train_log, LOGS / f"{label}.train.log")
        components = re.findall(r"Starting to train component '([^']+)'", train_log.read_text())
    training = re.search(r"Model trained in (\d+) s", log_path.read_text(errors="replace"))
    figure = {
        "seconds_to_ready": round(seconds, 1),
        "trained": trained,
        "training_seconds": int(training.group(1)) if training else 0,
        "components_trained": components,
        "nlu_components_trained": [c for c in components if c in NLU_COMPONENTS],
    }
    print(f"  ready in {seconds:.1f} s; {describe(figure)}", flush=True)
    return figure


def describe(figure: Dict[str, Any]) -> str:
    if not figure["trained"]:
        return "no training"
    return f"training {figure['training_seconds']} s, trained: " + (
        ", ".join(figure["components_trained"]) or "no component (all from cache)"
    )


def edit(path: Path, pattern: str, replacement: str, what: str) -> str:
    """Replaces the first match of `pattern` in `path`; returns `what`."""
    text = path.read_text(encoding="utf-8")
    edited, count = re.subn(pattern, replacement, text, count=1, flags=re.MULTILINE)
    if count != 1:
        raise SystemExit(f"Could not edit {path}: no match for {pattern!r}.")
    path.write_text(edited, encoding="utf-8")
    return what


def main() -> int:
    shutil.rmtree(LOGS, ignore_errors=True)
    LOGS.mkdir(parents=True)
    results: Dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="screening-startup-") as tmp:
        clone = Path(tmp) / "clone"
        clone.mkdir()
        results["clone"] = fresh_clone(clone)
        print(f"Fresh clone in {clone} ({results['clone']}).", flush=True)

        results["fresh_clone"] = make_run(clone, "1-fresh-clone")
        results["second_start"] = make_run(clone, "2-second-start")

        wording = edit(
            clone / "domain" / "responses" / "screening.yml",
            r'^(\s*- text: ")',
            r"\1Hello again. ",
            "domain/responses/screening.yml: 'Hello again. ' put before the first response's text",
        )
        results["wording_edit"] = {"edit": wording, **make_run(clone, "3-wording-edit")}

        lexicon = edit(
            clone / "data" / "lexicon" / "substances.yml",
            r"misspellings: \[",
            "misspellings: [oxycodoen, ",
            "data/lexicon/substances.yml: misspelling 'oxycodoen' added to the first substance",
        )
        results["lexicon_edit"] = {"edit": lexicon, **make_run(clone, "4-lexicon-edit")}

    results.update(cpu_count=os.cpu_count(), measured_at=time.strftime("%Y-%m-%dT%H:%M:%S%z"))
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print()
    for key in ("fresh_clone", "second_start", "wording_edit", "lexicon_edit"):
        figure = results[key]
        print(
            f"{key.replace('_', ' ')}: {figure['seconds_to_ready']} s to ready; {describe(figure)}"
        )
    print(f"Written to {RESULTS.relative_to(ROOT)}")
    failed = results["second_start"]["trained"] or results["wording_edit"]["nlu_components_trained"]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
