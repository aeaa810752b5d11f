"""Servers for the tests and benchmarks: an action server and a Rasa server on free
ports, the web chat demo page, and a REST client.

Each server is started as `make run` starts it (supervisord.conf): `python -m actions`,
and the Rasa server through its entry point `python -m addons run` (with the
project's patches), which finds the action server through ACTION_SERVER_URL
(endpoints.yml). Logs go to files given by the caller.
"""

from __future__ import annotations

import ctypes
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import IO, Any, Dict, List, Optional, Sequence, Set
from urllib.parse import quote

import requests

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "models" / "screening.tar.gz"
ENDPOINTS = ROOT / "endpoints.yml"
CREDENTIALS = ROOT / "credentials.yml"
WEB_DIR = ROOT / "web"
WIDGET = WEB_DIR / "node_modules" / "rasa-webchat" / "lib" / "index.js"
READY_TIMEOUT = 120.0
STOP_TIMEOUT = 20.0
REST_PATH = "/webhooks/rest/webhook"


class ServerError(RuntimeError):
    """A server did not start, or stopped."""


def python() -> str:
    """The project's .venv Python (the running one if there is no .venv)."""
    venv_python = ROOT / ".venv" / "bin" / "python"
    return str(venv_python) if venv_python.exists() else sys.executable


def server_env(extra: Optional[Dict[str, str]] = None) -> Dict[str, str]:
    env = dict(os.environ)
    env.update(extra or {})
    env["RASA_TELEMETRY_ENABLED"] = "false"
    env["PYTHONUNBUFFERED"] = "1"
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    venv_bin = str(ROOT / ".venv" / "bin")
    if venv_bin not in env.get("PATH", "").split(os.pathsep):
        env["PATH"] = venv_bin + os.pathsep + env.get("PATH", "")
    return env


_HANDED_OUT: Set[int] = set()


def free_port() -> int:
    """A TCP port that is free right now (on all interfaces), and not one this process
    was given before (the system may hand out a port it just gave, once it is closed)."""
    while True:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.bind(("", 0))
            port = int(sock.getsockname()[1])
        if port not in _HANDED_OUT:
            _HANDED_OUT.add(port)
            return port


_LIBC = ctypes.CDLL(None, use_errno=True) if sys.platform.startswith("linux") else None
_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """In the child before exec: its own process group, SIGTERM if the parent dies."""
    os.setsid()
    if _LIBC is not None:
        _LIBC.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


class ManagedProcess:
    """One server process, in its own process group, with an optional log file."""

    def __init__(
        self,
        name: str,
        command: Sequence[str],
        ready_url: str,
        log_path: Optional[Path] = None,
        env: Optional[Dict[str, str]] = None,
    ) -> None:
        self.name = name
        self.command = list(command)
        self.ready_url = ready_url
        self.log_path = log_path
        self.env = dict(env or {})
        self.process: Optional[subprocess.Popen[bytes]] = None
        self._log: Optional[IO[bytes]] = None

    def start(self) -> None:
        if self.log_path is not None:
            self.log_path.parent.mkdir(parents=True, exist_ok=True)
            self._log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            self.command,
            cwd=ROOT,
            env=server_env(self.env),
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT if self._log is not None else None,
            preexec_fn=_die_with_parent,
        )

    @property
    def pid(self) -> int:
        if self.process is None:
            raise ServerError(f"The {self.name} was not started.")
        return self.process.pid

    def exit_code(self) -> Optional[int]:
        """None while it runs."""
        return None if self.process is None else self.process.poll()

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def answers(self) -> bool:
        try:
            with urllib.request.urlopen(self.ready_url, timeout=2) as response:
                return bool(response.status == 200)
        except (OSError, urllib.error.URLError):
            return False

    def wait_until_ready(self, timeout: float = READY_TIMEOUT) -> None:
        """Raises ServerError if it stops, or does not answer within `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while not self.answers():
            if not self.running():
                raise ServerError(f"{self.describe_exit()} while starting.\n{self.log_tail()}")
            if time.monotonic() > deadline:
                raise ServerError(
                    f"The {self.name} did not answer within {timeout:.0f} s.\n{self.log_tail()}"
                )
            time.sleep(0.5)

    def stop(self, timeout: float = STOP_TIMEOUT) -> None:
        """SIGTERM to its process group, SIGKILL after `timeout` seconds."""
        process = self.process
        if process is not None and process.poll() is None:
            for sig in (signal.SIGTERM, signal.SIGKILL):
                try:
                    os.killpg(process.pid, sig)
                except ProcessLookupError:
                    break
                try:
                    process.wait(timeout=timeout)
                    break
                except subprocess.TimeoutExpired:
                    continue
        if self._log is not None:
            self._log.close()
            self._log = None

    def describe_exit(self) -> str:
        code = self.exit_code()
        if code is None:
            return f"The {self.name} is running"
        if code < 0:
            return f"The {self.name} was killed by signal {signal.Signals(-code).name}"
        return f"The {self.name} stopped (exit code {code})"

    def log_tail(self, lines: int = 40) -> str:
        if self.log_path is None or not self.log_path.exists():
            return ""
        text = self.log_path.read_text(errors="replace").splitlines()[-lines:]
        return f"--- last lines of {self.log_path} ---\n" + "\n".join(text)


def action_url(port: int) -> str:
    return f"http://localhost:{port}/webhook"


def action_server(
    port: int, log_path: Optional[Path] = None, env: Optional[Dict[str, str]] = None
) -> ManagedProcess:
    return ManagedProcess(
        "action server",
        [python(), "-m", "actions", "--port", str(port)],
        ready_url=f"http://localhost:{port}/health",
        log_path=log_path,
        env=env,
    )


def rasa_server(
    port: int,
    action_server_url: str,
    model: Path = MODEL,
    token: Optional[str] = None,
    interface: Optional[str] = None,
    log_path: Optional[Path] = None,
    env: Optional[Dict[str, str]] = None,
    jwt_secret: Optional[str] = None,
    endpoints: Path = ENDPOINTS,
) -> ManagedProcess:
    """`python -m addons run`; the HTTP API only with a token and/or a JWT secret, never open."""
    command = [python(), "-m", "addons", "run", "--model", str(model)]
    command += ["--endpoints", str(endpoints), "--credentials", str(CREDENTIALS)]
    command += ["--port", str(port)]
    if token is not None or jwt_secret is not None:
        command += ["--enable-api"]
    if token is not None:
        command += ["--auth-token", token]
    if jwt_secret is not None:
        command += ["--jwt-secret", jwt_secret]
    if interface is not None:
        command += ["--interface", interface]
    return ManagedProcess(
        "Rasa server",
        command,
        ready_url=f"http://localhost:{port}/",
        log_path=log_path,
        env={**(env or {}), "ACTION_SERVER_URL": action_server_url},
    )


class Servers:
    """An action server and a Rasa server on given ports, logs in `log_dir`.

    `env`: extra environment for both, e.g. TRACKER_STORE_URL (addons/stores/).
    `endpoints`: another endpoints file than endpoints.yml.
    """

    def __init__(
        self,
        rasa_port: int,
        action_port: int,
        log_dir: Path,
        token: Optional[str] = None,
        interface: Optional[str] = None,
        model: Path = MODEL,
        env: Optional[Dict[str, str]] = None,
        endpoints: Path = ENDPOINTS,
    ) -> None:
        self.model = model
        self.rasa_port = rasa_port
        self.action_port = action_port
        self.token = token
        self.base_url = f"http://localhost:{rasa_port}"
        self.action_url = action_url(action_port)
        self.endpoints = endpoints
        self.action = action_server(action_port, log_dir / "action_server.log", env=env)
        self.rasa = rasa_server(
            rasa_port,
            self.action_url,
            model=model,
            token=token,
            interface=interface,
            log_path=log_dir / "rasa_server.log",
            env=env,
            endpoints=endpoints,
        )

    def start(self, timeout: float = READY_TIMEOUT) -> None:
        """Starts both and waits until they answer; stops both and raises if not."""
        if not self.model.exists():
            raise ServerError(f"{self.model} does not exist: run `make prepare` first.")
        self.action.start()
        self.rasa.start()
        try:
            self.action.wait_until_ready(timeout)
            self.rasa.wait_until_ready(timeout)
        except ServerError:
            self.stop()
            raise

    def stop(self) -> None:
        self.rasa.stop()
        self.action.stop()

    def log_tails(self, lines: int = 40) -> str:
        return "\n".join(server.log_tail(lines) for server in (self.action, self.rasa))


class Assistant:
    """A client for the REST channel (and, with a token, the HTTP API)."""

    def __init__(self, base_url: str, token: Optional[str] = None, timeout: float = 60) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout = timeout
        self.session = requests.Session()

    def say(
        self, sender: str, text: str, metadata: Optional[Dict[str, Any]] = None
    ) -> List[Dict[str, Any]]:
        """Sends `text` as `sender` (with `metadata`, if any); returns the bot's messages."""
        body: Dict[str, Any] = {"sender": sender, "message": text}
        if metadata is not None:
            body["metadata"] = metadata
        response = self.session.post(self.base_url + REST_PATH, json=body, timeout=self.timeout)
        response.raise_for_status()
        messages: List[Dict[str, Any]] = response.json()
        return messages

    def texts(self, sender: str, text: str) -> str:
        """The texts of the bot's reply to `text`, one message per line."""
        return "\n".join(m["text"] for m in self.say(sender, text) if m.get("text"))

    def tracker(self, sender: str) -> Dict[str, Any]:
        """The conversation's tracker (needs the API enabled with a token)."""
        response = self.session.get(
            f"{self.base_url}/conversations/{quote(sender, safe='')}/tracker",
            params={"token": self.token} if self.token else None,
            timeout=self.timeout,
        )
        response.raise_for_status()
        tracker: Dict[str, Any] = response.json()
        return tracker

    def replace_events(self, sender: str, events: List[Dict[str, Any]]) -> None:
        """Sets the conversation to these events (the HTTP API; needs the token)."""
        response = self.session.put(
            f"{self.base_url}/conversations/{quote(sender, safe='')}/tracker/events",
            params={"token": self.token} if self.token else None,
            json=events,
            timeout=self.timeout,
        )
        response.raise_for_status()

    def close(self) -> None:
        self.session.close()


class WebServer:
    """The web chat demo page (web/) as `make run` serves it: `python -m http.server`.

    The page finds the Rasa server on its own host, at the port in ?rasa_port= (`url`).
    """

    def __init__(self, port: int, assistant_url: str, host: str = "127.0.0.1") -> None:
        if not WIDGET.exists():
            raise ServerError(f"{WIDGET.relative_to(ROOT)} is missing: run `make prepare`.")
        rasa_port = assistant_url.rstrip("/").rsplit(":", 1)[1]
        name = "localhost" if host == "127.0.0.1" else host
        self.url = f"http://{name}:{port}/?rasa_port={rasa_port}"
        command = [python(), "-m", "http.server", "--bind", host, "--directory", str(WEB_DIR)]
        self.server = ManagedProcess(
            "demo page", [*command, str(port)], f"http://{name}:{port}/", Path(os.devnull)
        )

    def start(self) -> None:
        self.server.start()
        self.server.wait_until_ready(30)

    def stop(self) -> None:
        self.server.stop()


def memory_kib(pid: int) -> Dict[str, int]:
    """VmRSS (resident now) and VmHWM (peak resident) of a process, in KiB."""
    found: Dict[str, int] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            found[key] = int(value.split()[0])
    return found
