"""Content fingerprints of build inputs, kept in small JSON stamp files.

Used by scripts/bootstrap.sh (requirements -> .venv) and scripts/prepare.sh
(lexicon -> spaCy pipeline, training data -> model). Standard library only, so
any Python 3.8+ can run it before the virtualenv exists.

    fingerprint.py check STAMP [--artifact PATH] INPUT...
        exit 0 if STAMP records the current content of the INPUTs (files or
        directories, recursively) and ARTIFACT is unchanged since the stamp was
        written; otherwise print one line saying what changed and exit 1.
    fingerprint.py write STAMP [--artifact PATH] [--files-from SNAPSHOT] INPUT...
        record the current content of the INPUTs (and of ARTIFACT) in STAMP;
        with --files-from, the input contents recorded in SNAPSHOT (a stamp
        written before a build started, so edits made during the build count
        as changes next time).
    fingerprint.py hash INPUT...
        print the combined sha256 of the INPUTs.

Paths are recorded as given (relative to the working directory, which the
scripts set to the project root). A missing input is recorded as missing, so
creating it later counts as a change.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Dict, Iterator, List, Optional

STAMP_VERSION = 1
MISSING = "missing"
IGNORED_DIRS = {"__pycache__", ".git", ".mypy_cache", ".pytest_cache", ".ruff_cache"}
IGNORED_SUFFIXES = (".pyc", ".pyo", ".swp", ".swo", "~", ".DS_Store")


def _file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _walk(root: Path) -> Iterator[Path]:
    for directory, subdirs, files in os.walk(root, followlinks=True):
        subdirs[:] = sorted(d for d in subdirs if d not in IGNORED_DIRS)
        for name in sorted(files):
            if not name.endswith(IGNORED_SUFFIXES) and not name.startswith(".#"):
                yield Path(directory) / name


def file_digests(inputs: List[str]) -> Dict[str, str]:
    """Maps every input file (directories expanded) to its content digest."""
    found: Dict[str, str] = {}
    for given in inputs:
        path = Path(given)
        if path.is_dir():
            files = list(_walk(path))
            if not files:
                found[path.as_posix() + "/"] = "empty directory"
            for file in files:
                found[file.as_posix()] = _file_digest(file)
        elif path.is_file():
            found[path.as_posix()] = _file_digest(path)
        else:
            found[path.as_posix()] = MISSING
    return found


def combined_digest(files: Dict[str, str]) -> str:
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(f"{name}\0{files[name]}\n".encode())
    return digest.hexdigest()


def artifact_digest(artifact: Optional[str]) -> Optional[str]:
    if artifact is None:
        return None
    path = Path(artifact)
    if path.is_dir():
        return combined_digest(file_digests([artifact]))
    if path.is_file():
        return _file_digest(path)
    return MISSING


def _describe(names: List[str], limit: int = 4) -> str:
    shown = ", ".join(names[:limit])
    return shown + (f" (+{len(names) - limit} more)" if len(names) > limit else "")


def what_changed(stamp_path: str, inputs: List[str], artifact: Optional[str]) -> Optional[str]:
    """None if the stamp is current, else a short reason."""
    if artifact is not None and artifact_digest(artifact) == MISSING:
        return f"{artifact} does not exist"
    try:
        stamp = json.loads(Path(stamp_path).read_text())
    except FileNotFoundError:
        return f"no fingerprint at {stamp_path}"
    except (OSError, ValueError):
        return f"unreadable fingerprint at {stamp_path}"
    if stamp.get("version") != STAMP_VERSION:
        return "fingerprint format changed"
    if artifact is not None and stamp.get("artifact_digest") != artifact_digest(artifact):
        return f"{artifact} was replaced since the fingerprint was written"
    current = file_digests(inputs)
    if combined_digest(current) == stamp.get("digest"):
        return None
    recorded: Dict[str, str] = stamp.get("files", {})
    changed = sorted(
        name
        for name in set(current) | set(recorded)
        if current.get(name, MISSING) != recorded.get(name, MISSING)
    )
    if not changed:
        return "inputs changed"
    return "changed: " + _describe(changed)


def write_stamp(
    stamp_path: str, inputs: List[str], artifact: Optional[str], files_from: Optional[str] = None
) -> None:
    if files_from is None:
        files = file_digests(inputs)
    else:
        files = json.loads(Path(files_from).read_text())["files"]
    stamp = {
        "version": STAMP_VERSION,
        "inputs": inputs,
        "digest": combined_digest(files),
        "artifact": artifact,
        "artifact_digest": artifact_digest(artifact),
        "files": files,
    }
    target = Path(stamp_path)
    target.parent.mkdir(parents=True, exist_ok=True)
    # Write to a temporary file and rename, so a stamp is never half written.
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=target.name + ".")
    with os.fdopen(handle, "w") as out:
        json.dump(stamp, out, indent=1, sort_keys=True)
        out.write("\n")
    os.chmod(temporary, 0o644)
    os.replace(temporary, target)


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    for name in ("check", "write"):
        command = commands.add_parser(name)
        command.add_argument("stamp")
        command.add_argument("--artifact", help="output file or directory built from INPUTs")
        command.add_argument("inputs", nargs="+", metavar="INPUT")
        if name == "write":
            command.add_argument(
                "--files-from",
                metavar="SNAPSHOT",
                help="record the input contents saved in SNAPSHOT (an earlier 'write') "
                "instead of hashing the inputs now, e.g. as they were when a build started",
            )
    hash_command = commands.add_parser("hash")
    hash_command.add_argument("inputs", nargs="+", metavar="INPUT")
    args = parser.parse_args(argv)

    if args.command == "hash":
        print(combined_digest(file_digests(args.inputs)))
        return 0
    if args.command == "write":
        write_stamp(args.stamp, args.inputs, args.artifact, args.files_from)
        return 0
    reason = what_changed(args.stamp, args.inputs, args.artifact)
    if reason is None:
        return 0
    print(reason)
    return 1


if __name__ == "__main__":
    sys.exit(main())
