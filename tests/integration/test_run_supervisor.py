"""`make run` for real (supervisord.conf, scripts/supervisor_events.py), on free ports:
it says when the assistant is ready, restarts a killed action server, says clearly when
supervisord gives up on it (and then stops everything), and Ctrl-C stops every process
it started."""

import os
import queue
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path
from typing import IO, Callable, Iterator, List

import pytest
import requests

from tests.support.servers import MODEL, REST_PATH, ROOT, free_port

READY_TIMEOUT = 600.0  # make retrains first if an input changed since `make test` trained
STOP_TIMEOUT = 60.0


class MakeRun:
    """`make run` in its own process group, as a terminal runs a foreground job."""

    def __init__(self, tmp_path: Path) -> None:
        self.rasa_port, self.action_port, self.web_port = free_port(), free_port(), free_port()
        env = dict(os.environ)
        for name in ("RASA_API_TOKEN", "RASA_JWT_SECRET", "MAKEFLAGS", "MFLAGS", "MAKELEVEL"):
            env.pop(name, None)
        env.update(
            RASA_PORT=str(self.rasa_port),
            ACTION_PORT=str(self.action_port),
            WEB_PORT=str(self.web_port),
            TRACKER_STORE_URL=f"sqlite:///{tmp_path / 'conversations.db'}",
            DATABASE_URL=f"sqlite:///{tmp_path / 'assistant.db'}",
        )
        self.process = subprocess.Popen(
            ["make", "--no-print-directory", "run"],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        self.lines: "queue.Queue[str]" = queue.Queue()
        self.seen: List[str] = []
        threading.Thread(target=self._pump, args=(self.process.stdout,), daemon=True).start()

    def _pump(self, stream: IO[str]) -> None:
        for line in stream:
            self.lines.put(line)

    def wait_for_line(self, needle: str, timeout: float) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=1)
            except queue.Empty:
                continue
            self.seen.append(line)
            if needle in line:
                return line
        pytest.fail(f"No line with {needle!r} within {timeout:.0f} s:\n{self.tail()}")

    def tail(self) -> str:
        return "".join(self.seen[-60:])

    def processes(self) -> List[int]:
        """make and every process under it."""
        found, todo = [], [self.process.pid]
        while todo:
            pid = todo.pop()
            found.append(pid)
            todo += children(pid)
        return found

    def action_server_pid(self) -> int:
        pids = [p for p in self.processes() if "-m actions" in command_line(p)]
        assert len(pids) == 1, (pids, self.tail())
        return pids[0]

    def ctrl_c(self) -> None:
        try:
            os.killpg(self.process.pid, signal.SIGINT)
        except ProcessLookupError:
            pass

    def wait_for_exit(self, timeout: float = STOP_TIMEOUT) -> int:
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            pytest.fail(f"make run did not stop within {timeout:.0f} s:\n{self.tail()}")

    def kill(self) -> None:
        for pid in reversed(self.processes()):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.process.wait(timeout=30)


def children(pid: int) -> List[int]:
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
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def alive(pids: List[int]) -> List[int]:
    """Those still running (not zombies waiting for their parent)."""
    running = []
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            running.append(pid)
    return running


def answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=2).ok
    except requests.RequestException:
        return False


@pytest.fixture
def make_run(tmp_path: Path) -> Iterator[MakeRun]:
    assert MODEL.exists(), "make test trains the model first"
    run = MakeRun(tmp_path)
    try:
        yield run
    finally:
        if run.process.poll() is None:
            run.kill()


def wait_until(condition: Callable[[], bool], timeout: float, what: str, run: MakeRun) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"{what} within {timeout:.0f} s:\n{run.tail()}")
        time.sleep(0.5)


def test_make_run_restarts_a_killed_action_server_and_says_when_it_gives_up(
    make_run: MakeRun,
) -> None:
    ready = make_run.wait_for_line("Assistant ready", READY_TIMEOUT)
    assert f"REST on http://localhost:{make_run.rasa_port}{REST_PATH}" in ready
    assert "HTTP API off" in ready
    page = make_run.wait_for_line("Web chat demo page", 30)
    assert f"http://localhost:{make_run.web_port}/?rasa_port={make_run.rasa_port}" in page
    reply = requests.post(
        f"http://localhost:{make_run.rasa_port}{REST_PATH}",
        json={"sender": "run-test", "message": "hi"},
        timeout=60,
    )
    assert reply.status_code == 200 and reply.json(), reply.text
    assert answers(f"http://localhost:{make_run.web_port}/")

    # A crash: supervisord starts it again.
    first = make_run.action_server_pid()
    os.kill(first, signal.SIGKILL)
    make_run.wait_for_line("The action server stopped", 30)
    make_run.wait_for_line("The action server runs again", 90)
    health = f"http://localhost:{make_run.action_port}/health"
    wait_until(lambda: answers(health), 60, "The restarted action server did not answer", make_run)
    assert make_run.action_server_pid() != first
    assert make_run.process.poll() is None, "make run keeps running"

    # It cannot start again (its port is taken): supervisord gives up, says so, and
    # everything stops.
    everything = make_run.processes()
    with socket.socket() as blocker:
        blocker.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        os.kill(make_run.action_server_pid(), signal.SIGKILL)
        deadline = time.monotonic() + 10
        while True:
            try:
                blocker.bind(("127.0.0.1", make_run.action_port))
                break
            except OSError:
                assert time.monotonic() < deadline, "the killed action server's port stays taken"
                time.sleep(0.05)
        blocker.listen()
        make_run.wait_for_line("trying again", 60)
        line = make_run.wait_for_line("supervisord gave up on the action server", 180)
        assert "Stopping everything" in line
        make_run.wait_for_exit()
    assert alive(everything) == [], make_run.tail()


def test_ctrl_c_stops_everything(make_run: MakeRun) -> None:
    make_run.wait_for_line("Assistant ready", READY_TIMEOUT)
    everything = make_run.processes()
    names = " | ".join(command_line(pid) for pid in everything)
    for program in ("supervisord", "-m actions", "addons run", "http.server"):
        assert program in names, names
    make_run.ctrl_c()
    make_run.wait_for_exit()
    assert alive(everything) == [], make_run.tail()
    for port in (make_run.rasa_port, make_run.action_port, make_run.web_port):
        assert not answers(f"http://localhost:{port}/"), port
