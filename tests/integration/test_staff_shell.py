"""The staff shell (`make shell`): rasa shell with the action server, driven like a person.

Runs `make shell` in a pseudo terminal, on free ports, and completes a screening:
buttons are chosen with the arrow keys and Enter, free text through "Type out your
own message...". Ctrl-C ends it, and the action server it started stops too.
What the person sees is the conversation only: no warnings, no log lines (they
go to var/log/shell.log), and numbers as plain text (no web chat links).
"""

import os
import re
import socket
import time
from pathlib import Path
from typing import Any, Iterator

import pexpect
import pytest

from tests.support.content import slot_defaults
from tests.support.servers import MODEL, ROOT, free_port

PHONE = slot_defaults()["admissions_phone"]
START_TIMEOUT = 900  # make may reinstall .venv first, if a requirements file changed
TURN_TIMEOUT = 90
UP = "\x1b[A"
ENTER = "\r"
SHELL_LOG = ROOT / "var" / "log" / "shell.log"
# What Rasa's log lines and Python's warnings look like on a console.
LOG_LINE = re.compile(r"\b(DEBUG|INFO|WARNING|ERROR|CRITICAL)\b|Warning\b|Traceback")


@pytest.fixture
def shell(tmp_path: Any) -> Iterator[pexpect.spawn]:
    assert MODEL.exists(), "make test trains the model first"
    action_port = free_port()
    env = dict(os.environ, RASA_PORT=str(free_port()), ACTION_PORT=str(action_port))
    for name in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL"):
        env.pop(name, None)
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'assistant.db'}"
    env["TRACKER_STORE_URL"] = f"sqlite:///{tmp_path / 'conversations.db'}"
    # -o: with the model `make test` prepared. Training here would replace
    # models/screening.tar.gz under any other test using it.
    child = pexpect.spawn(
        "make",
        ["--no-print-directory", "-o", str(MODEL.relative_to(ROOT)), "shell"],
        cwd=str(ROOT),
        env=env,
        encoding="utf-8",
        codec_errors="replace",
        dimensions=(60, 240),
        timeout=TURN_TIMEOUT,
    )
    child.logfile_read = (tmp_path / "console.txt").open("w")
    try:
        yield child
    finally:
        child.sendintr()
        child.expect([pexpect.EOF, pexpect.TIMEOUT], timeout=30)
        child.terminate(force=True)
    deadline = time.monotonic() + 20
    while listening(action_port):
        assert time.monotonic() < deadline, "make shell did not stop its action server"
        time.sleep(0.5)


def listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2):
            return True
    except OSError:
        return False


def choose_first_button(child: pexpect.spawn, question: str) -> None:
    child.expect_exact(question)
    child.send(ENTER)


def type_answer(child: pexpect.spawn, question: str, answer: str) -> None:
    """Picks "Type out your own message..." (the last choice) and types `answer`."""
    child.expect_exact(question)
    child.send(UP)
    child.send(ENTER)
    child.expect_exact("Your input ->")
    child.sendline(answer)


def test_a_staff_member_completes_the_screening_in_the_shell(shell: pexpect.spawn) -> None:
    started = time.time()
    shell.expect_exact("Your input ->", timeout=START_TIMEOUT)
    shell.sendline("hello")
    choose_first_button(shell, "Would you like to answer")  # Yes, let's start
    choose_first_button(shell, "muscle twitches")  # Yes
    choose_first_button(shell, "Where do you notice them")  # Legs
    type_answer(shell, "When do they happen most", "when im falling asleep")
    type_answer(shell, "How long has this been going on", "like 2 weeks")
    choose_first_button(shell, "Do you use any opioids")  # Yes
    type_answer(shell, "Which ones", "percs")
    choose_first_button(shell, "prescribed to you")  # Yes
    choose_first_button(shell, "dose changed")  # Yes
    choose_first_button(shell, "Do you take any")  # Yes (benzodiazepines)
    type_answer(shell, "Which ones", "xanax")
    choose_first_button(shell, "prescribed to you")
    choose_first_button(shell, "same day as opioids")
    choose_first_button(shell, "calm the twitching")
    choose_first_button(shell, "drink heavily")  # Yes
    choose_first_button(shell, "cut back a lot")  # Yes
    shell.expect_exact(PHONE)
    assert_only_the_conversation(what_the_person_saw(shell))
    # The logs went to the file instead.
    assert SHELL_LOG.stat().st_mtime >= started
    assert "Rasa server is up and running" in SHELL_LOG.read_text(errors="replace")


def what_the_person_saw(shell: pexpect.spawn) -> str:
    shell.logfile_read.flush()
    return Path(shell.logfile_read.name).read_text(encoding="utf-8", errors="replace")


def assert_only_the_conversation(seen: str) -> None:
    assert "Warning" not in seen
    line = LOG_LINE.search(seen)
    assert line is None, seen[max(0, line.start() - 200) : line.end() + 200]
    assert "tel:" not in seen and "sms:" not in seen  # links are for the web chat only
