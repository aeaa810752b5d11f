"""Starting, watching and stopping the action server and the Rasa server.

Used by scripts/run.sh (``python scripts/servers.py run``), scripts/shell.sh
(``python scripts/servers.py shell``), the pytest fixture in tests/conftest.py
and bench/latency.py. Run it with the project's .venv Python.

Environment for ``run`` and ``shell``: RASA_PORT (default 5005) and
ACTION_PORT (default 5055); ``run`` also serves the web chat demo page (web/)
on WEB_PORT (default 8080). For ``run``, Rasa's HTTP API is off unless
RASA_API_TOKEN or RASA_JWT_SECRET is set (then it is on, and needs that token
or a JWT signed with that secret). See README "Secrets and the HTTP API".
"""

from __future__ import annotations

import argparse
import ctypes
import functools
import http.server
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import IO, Any, Dict, List, Optional, Sequence
from urllib.parse import quote

import requests
import yaml

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "models" / "screening.tar.gz"
ENDPOINTS = ROOT / "endpoints.yml"
CREDENTIALS = ROOT / "credentials.yml"
LOG_DIR = ROOT / "build" / "logs"
DEFAULT_RASA_PORT = 5005
DEFAULT_ACTION_PORT = 5055
DEFAULT_WEB_PORT = 8080
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


def free_port() -> int:
    """A TCP port that is free right now (on all interfaces)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("", 0))
        return int(sock.getsockname()[1])


def port_in_use(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("", port))
        except OSError:
            return True
    return False


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


def action_server(
    port: int, log_path: Optional[Path] = None, env: Optional[Dict[str, str]] = None
) -> ManagedProcess:
    return ManagedProcess(
        "action server",
        [python(), "-m", "rasa", "run", "actions", "--actions", "actions", "--port", str(port)],
        ready_url=f"http://localhost:{port}/health",
        log_path=log_path,
        env=env,
    )


def rasa_server(
    port: int,
    endpoints: Path,
    model: Path = MODEL,
    token: Optional[str] = None,
    interface: Optional[str] = None,
    log_path: Optional[Path] = None,
    env: Optional[Dict[str, str]] = None,
    jwt_secret: Optional[str] = None,
) -> ManagedProcess:
    """`rasa run`; the HTTP API only with a token and/or a JWT secret, never open."""
    command = [python(), "-m", "rasa", "run", "--model", str(model)]
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
        "Rasa server", command, ready_url=f"http://localhost:{port}/", log_path=log_path, env=env
    )


def action_url(port: int) -> str:
    return f"http://localhost:{port}/webhook"


def write_endpoints(target: Path, action_server_url: str, source: Path = ENDPOINTS) -> Path:
    """A copy of endpoints.yml whose action_endpoint is `action_server_url`."""
    config: Dict[str, Any] = yaml.safe_load(source.read_text()) or {}
    action_endpoint = config.get("action_endpoint") or {}
    action_endpoint["url"] = action_server_url
    config["action_endpoint"] = action_endpoint
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(yaml.safe_dump(config, sort_keys=False))
    return target


def endpoints_for(action_port: int, directory: Path) -> Path:
    """endpoints.yml itself if it points at `action_port`, else an adjusted copy."""
    config = yaml.safe_load(ENDPOINTS.read_text()) or {}
    if (config.get("action_endpoint") or {}).get("url") == action_url(action_port):
        return ENDPOINTS
    return write_endpoints(directory / "endpoints.yml", action_url(action_port))


def wait_until_ready(
    servers: Sequence[ManagedProcess], timeout: float = READY_TIMEOUT
) -> Optional[ManagedProcess]:
    """Waits until every server answers; returns one that exited first, if any.

    Raises ServerError on timeout.
    """
    deadline = time.monotonic() + timeout
    waiting = list(servers)
    while waiting:
        for server in list(waiting):
            if not server.running():
                return server
            if server.answers():
                waiting.remove(server)
        if waiting and time.monotonic() > deadline:
            names = " and the ".join(server.name for server in waiting)
            raise ServerError(f"The {names} did not answer within {timeout:.0f} s.")
        if waiting:
            time.sleep(0.5)
    return None


class Servers:
    """An action server and a Rasa server on given ports, logs in `log_dir`.

    `env`: extra environment for both, e.g. TRACKER_STORE_URL (addons/stores/).
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
        endpoints: Optional[Path] = None,
    ) -> None:
        self.model = model
        self.rasa_port = rasa_port
        self.action_port = action_port
        self.token = token
        self.base_url = f"http://localhost:{rasa_port}"
        self.action_url = action_url(action_port)
        self.endpoints = write_endpoints(
            log_dir / "endpoints.yml", self.action_url, source=endpoints or ENDPOINTS
        )
        self.action = action_server(action_port, log_dir / "action_server.log", env=env)
        self.rasa = rasa_server(
            rasa_port,
            self.endpoints,
            model=model,
            token=token,
            interface=interface,
            log_path=log_dir / "rasa_server.log",
            env=env,
        )

    def start(self, timeout: float = READY_TIMEOUT) -> None:
        """Starts both and waits until they answer; stops both and raises if not."""
        if not self.model.exists():
            raise ServerError(
                f"{self.model} does not exist: run scripts/prepare.sh (or make test) first."
            )
        self.action.start()
        self.rasa.start()
        try:
            stopped = wait_until_ready([self.action, self.rasa], timeout)
        except ServerError as error:
            self.stop()
            raise ServerError(f"{error}\n{self.log_tails()}") from None
        if stopped is not None:
            self.stop()
            raise ServerError(f"{stopped.describe_exit()} while starting.\n{self.log_tails()}")

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

    def say(self, sender: str, text: str) -> List[Dict[str, Any]]:
        """Sends `text` as `sender`; returns the bot's messages."""
        response = self.session.post(
            self.base_url + REST_PATH,
            json={"sender": sender, "message": text},
            timeout=self.timeout,
        )
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

    def close(self) -> None:
        self.session.close()


class _WebHandler(http.server.SimpleHTTPRequestHandler):
    """web/ as static files, plus config.js with the Rasa server's address."""

    def __init__(self, *args: Any, assistant_url: str, **kwargs: Any) -> None:
        self.assistant_url = assistant_url
        super().__init__(*args, directory=str(WEB_DIR), **kwargs)

    def do_GET(self) -> None:  # noqa: N802 (the http.server name)
        if self.path.split("?")[0] == "/config.js":
            body = f"window.SCREENING_ASSISTANT_URL = {self.assistant_url!r};\n".encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/javascript; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        super().do_GET()

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the page's requests are not worth a line each."""


class WebServer:
    """The web chat demo page (web/) on `port`, in a background thread."""

    def __init__(self, port: int, assistant_url: str, host: str = "127.0.0.1") -> None:
        if not WIDGET.exists():
            raise ServerError(f"{WIDGET.relative_to(ROOT)} is missing: run 'npm ci' in web/.")
        handler = functools.partial(_WebHandler, assistant_url=assistant_url)
        self.server = http.server.ThreadingHTTPServer((host, port), handler)
        self.url = f"http://{'localhost' if host == '127.0.0.1' else host}:{port}/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def memory_kib(pid: int) -> Dict[str, int]:
    """VmRSS (resident now) and VmHWM (peak resident) of a process, in KiB."""
    found: Dict[str, int] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            found[key] = int(value.split()[0])
    return found


# --- make run / make shell -------------------------------------------------------


class Stop(Exception):
    """SIGINT or SIGTERM."""


def _raise_stop(signum: int, _frame: Any) -> None:
    raise Stop(signal.Signals(signum).name)


def _ports(command: str) -> tuple[int, int]:
    try:
        rasa_port = int(os.environ.get("RASA_PORT") or DEFAULT_RASA_PORT)
        action_port = int(os.environ.get("ACTION_PORT") or DEFAULT_ACTION_PORT)
    except ValueError:
        raise SystemExit("RASA_PORT and ACTION_PORT must be port numbers.") from None
    for name, port in (("RASA_PORT", rasa_port), ("ACTION_PORT", action_port)):
        if port_in_use(port):
            raise SystemExit(
                f"Port {port} ({name}) is already in use: stop what uses it "
                f"or choose another port, e.g. {name}={port + 1000} make {command}."
            )
    return rasa_port, action_port


class Supervisor:
    """Runs the servers in the foreground until Ctrl-C or until one of them stops.

    A server in `restartable` (the action server) is started again when it stops,
    at most `max_restarts` times in `window_seconds`; meanwhile the Rasa server
    answers with the admissions number (addons/patches/). Any other stop, or
    one restart too many, ends the run with a message that says which stopped.
    """

    def __init__(
        self,
        servers: Sequence[ManagedProcess],
        restartable: Sequence[ManagedProcess] = (),
        max_restarts: int = 5,
        window_seconds: float = 300.0,
    ) -> None:
        self.servers = list(servers)
        self.restartable = list(restartable)
        self.max_restarts = max_restarts
        self.window_seconds = window_seconds
        self.restarts: List[float] = []

    def may_restart(self, server: ManagedProcess) -> bool:
        now = time.monotonic()
        self.restarts = [t for t in self.restarts if now - t < self.window_seconds]
        return server in self.restartable and len(self.restarts) < self.max_restarts

    def on_exit(self, server: ManagedProcess) -> bool:
        """Called when `server` stopped by itself; True to keep running."""
        if self.may_restart(server):
            self.restarts.append(time.monotonic())
            print(
                f"{server.describe_exit()}; restarting it (restart {len(self.restarts)} "
                f"of at most {self.max_restarts} in {self.window_seconds / 60:.0f} minutes).",
                file=sys.stderr,
                flush=True,
            )
            server.stop()
            server.start()
            return True
        if server in self.restartable:
            print(
                f"The {server.name} stopped {self.max_restarts + 1} times within "
                f"{self.window_seconds / 60:.0f} minutes; not restarting it again.",
                file=sys.stderr,
                flush=True,
            )
        others = [s.name for s in self.servers if s is not server and s.running()]
        also = f"; stopping the {' and the '.join(others)}" if others else ""
        print(f"{server.describe_exit()}{also}.", file=sys.stderr, flush=True)
        return False

    def watch(self) -> int:
        while True:
            for server in self.servers:
                if server.exit_code() is not None and not self.on_exit(server):
                    return 1
            time.sleep(0.5)

    def stop(self) -> None:
        for server in reversed(self.servers):
            server.stop()


def run(rasa_port: int, action_port: int) -> int:
    """The assistant in the foreground (make run)."""
    if not MODEL.exists():
        raise SystemExit(f"{MODEL.relative_to(ROOT)} does not exist: run scripts/prepare.sh.")
    with tempfile.TemporaryDirectory(prefix="screening-run-") as tmp:
        endpoints = endpoints_for(action_port, Path(tmp))
        if endpoints != ENDPOINTS:
            print(f"Using endpoints.yml with action_endpoint {action_url(action_port)}.")
        action = action_server(action_port)
        token = os.environ.get("RASA_API_TOKEN") or None
        jwt_secret = os.environ.get("RASA_JWT_SECRET") or None
        rasa = rasa_server(rasa_port, endpoints, token=token, jwt_secret=jwt_secret)
        api = "on (RASA_API_TOKEN / RASA_JWT_SECRET)" if token or jwt_secret else "off"
        supervisor = Supervisor([action, rasa], restartable=[action])
        signal.signal(signal.SIGINT, _raise_stop)
        signal.signal(signal.SIGTERM, _raise_stop)
        try:
            print(
                f"Starting the action server (port {action_port}) "
                f"and the Rasa server (port {rasa_port})...",
                flush=True,
            )
            action.start()
            rasa.start()
            try:
                stopped = wait_until_ready([action, rasa])
            except ServerError as error:
                print(f"{error} Stopping.", file=sys.stderr, flush=True)
                return 1
            if stopped is not None:
                supervisor.on_exit(stopped)
                return 1
            web = _web_server(rasa_port)
            print(
                f"Assistant ready: REST at http://localhost:{rasa_port}{REST_PATH}"
                f"; HTTP API {api}",
                flush=True,
            )
            if web is not None:
                print(f"Web chat demo page: {web.url} (Ctrl-C stops it all)", flush=True)
            try:
                return supervisor.watch()
            finally:
                if web is not None:
                    web.stop()
        except Stop:
            print("Stopping the Rasa server and the action server...", flush=True)
            return 0
        finally:
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
            supervisor.stop()
            print("Stopped.", flush=True)


def _web_server(rasa_port: int) -> Optional[WebServer]:
    """The demo page on WEB_PORT, started; None (with the reason) if it cannot be."""
    try:
        port = int(os.environ.get("WEB_PORT") or DEFAULT_WEB_PORT)
        web = WebServer(port, f"http://localhost:{rasa_port}")
    except ValueError:
        print("WEB_PORT must be a port number; no demo page.", file=sys.stderr, flush=True)
        return None
    except (OSError, ServerError) as error:
        print(f"No web chat demo page: {error}", file=sys.stderr, flush=True)
        return None
    web.start()
    return web


def shell(rasa_port: int, action_port: int) -> int:
    """rasa shell in the foreground with an action server in the background (make shell)."""
    if not MODEL.exists():
        raise SystemExit(f"{MODEL.relative_to(ROOT)} does not exist: run scripts/prepare.sh.")
    log_path = LOG_DIR / "shell_action_server.log"
    log_path.unlink(missing_ok=True)
    action = action_server(action_port, log_path)
    with tempfile.TemporaryDirectory(prefix="screening-shell-") as tmp:
        endpoints = endpoints_for(action_port, Path(tmp))
        signal.signal(signal.SIGTERM, _raise_stop)
        try:
            print(
                f"Starting the action server (port {action_port}; "
                f"log: {log_path.relative_to(ROOT)})...",
                flush=True,
            )
            action.start()
            try:
                if wait_until_ready([action]) is not None:
                    print(f"{action.describe_exit()}.\n{action.log_tail()}", file=sys.stderr)
                    return 1
            except ServerError as error:
                print(f"{error}\n{action.log_tail()}", file=sys.stderr)
                return 1
            command = [python(), "-m", "rasa", "shell", "--model", str(MODEL)]
            command += ["--endpoints", str(endpoints), "--port", str(rasa_port)]
            # rasa shell shares the terminal: Ctrl-C is for it, not for us. (A no-op
            # handler rather than SIG_IGN, which rasa shell would inherit.)
            signal.signal(signal.SIGINT, lambda _signum, _frame: None)
            shell_process = subprocess.Popen(command, cwd=ROOT, env=server_env())
            try:
                return shell_process.wait()
            except Stop:
                shell_process.terminate()
                shell_process.wait()
                return 0
        except (Stop, KeyboardInterrupt):
            return 0
        finally:
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
            action.stop()
            print("Action server stopped.", flush=True)


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=["run", "shell"])
    args = parser.parse_args(argv)
    os.chdir(ROOT)
    rasa_port, action_port = _ports(args.command)
    if args.command == "run":
        return run(rasa_port, action_port)
    return shell(rasa_port, action_port)


if __name__ == "__main__":
    sys.exit(main())
