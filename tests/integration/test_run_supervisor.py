"""`make run` (scripts/servers.py run) restarts a crashed action server, and says clearly
when it gives up."""

import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import IO, List

import pytest
import requests

from tests.support.servers import ROOT, ManagedProcess, Supervisor, free_port, python

READY_TIMEOUT = 180.0


def lines_of(stream: IO[str]) -> "queue.Queue[str]":
    lines: "queue.Queue[str]" = queue.Queue()

    def pump() -> None:
        for line in stream:
            lines.put(line)

    threading.Thread(target=pump, daemon=True).start()
    return lines


def wait_for_line(lines: "queue.Queue[str]", needle: str, seen: List[str], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=1)
        except queue.Empty:
            continue
        seen.append(line)
        if needle in line:
            return
    pytest.fail(f"No line with {needle!r} within {timeout:.0f} s:\n{''.join(seen[-40:])}")


def child_pids(pid: int) -> List[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def command_line(pid: int) -> str:
    return (Path(f"/proc/{pid}/cmdline").read_bytes()).replace(b"\0", b" ").decode()


def test_run_restarts_a_crashed_action_server(tmp_path: Path) -> None:
    action_port, rasa_port = free_port(), free_port()
    env = dict(os.environ)
    for name in ("RASA_API_TOKEN", "RASA_JWT_SECRET"):
        env.pop(name, None)
    env.update(
        RASA_PORT=str(rasa_port),
        ACTION_PORT=str(action_port),
        TRACKER_STORE_URL=f"sqlite:///{tmp_path / 'conversations.db'}",
    )
    run = subprocess.Popen(
        [python(), "scripts/servers.py", "run"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    seen: List[str] = []
    try:
        lines = lines_of(run.stdout)  # type: ignore[arg-type]
        wait_for_line(lines, "Assistant ready", seen, READY_TIMEOUT)
        assert "HTTP API off" in seen[-1]
        action = [p for p in child_pids(run.pid) if "actions" in command_line(p)]
        assert len(action) == 1, seen
        os.kill(action[0], signal.SIGKILL)
        wait_for_line(lines, "restarting it (restart 1 of", seen, 30)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                if requests.get(f"http://localhost:{action_port}/health", timeout=2).ok:
                    break
            except requests.RequestException:
                pass
            time.sleep(0.5)
        else:
            pytest.fail("The restarted action server did not answer.")
        assert run.poll() is None, "make run keeps running"
    finally:
        run.send_signal(signal.SIGINT)
        try:
            run.wait(timeout=60)
        except subprocess.TimeoutExpired:
            run.kill()


def crashing(name: str) -> ManagedProcess:
    return ManagedProcess(name, [sys.executable, "-c", "raise SystemExit(3)"], "http://unused")


def test_the_supervisor_gives_up_after_too_many_restarts(
    capsys: pytest.CaptureFixture[str],
) -> None:
    action, other = crashing("action server"), crashing("Rasa server")
    supervisor = Supervisor([action, other], restartable=[action], max_restarts=2)
    try:
        for server in (action, other):
            server.start()
            assert server.process is not None and server.process.wait(timeout=30) == 3
        assert supervisor.on_exit(action) is True
        assert supervisor.on_exit(action) is True
        assert supervisor.on_exit(action) is False
        assert supervisor.on_exit(other) is False
    finally:
        supervisor.stop()
    err = capsys.readouterr().err
    assert "The action server stopped (exit code 3); restarting it (restart 1 of at most 2" in err
    assert "The action server stopped 3 times within 5 minutes; not restarting it again." in err
    assert "The Rasa server stopped (exit code 3)" in err
