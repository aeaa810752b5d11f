"""supervisord event listener for `make run` (supervisord.conf): clear console lines.

    ==> Assistant ready: ...       the Rasa server and the action server both answer
    ==> The action server stopped  supervisord restarts it (and says when it runs again)
    ==> The notification sender stopped  supervisord restarts it
    ==> supervisord gave up on ... a program failed to start too often in a row (FATAL);
                                   for a server, it then stops everything (make run ends)
    ==> The Rasa server stopped    it is not restarted: everything stops

The protocol: http://supervisord.org/events.html (stdout is supervisord's; we write to stderr).
"""

import os
import signal
import sys
import threading
import time
import urllib.request

from supervisor import childutils

RASA_PORT = os.environ.get("RASA_PORT", "5005")
ACTION_PORT = os.environ.get("ACTION_PORT", "5055")
WEB_PORT = os.environ.get("WEB_PORT", "8080")
READY_TIMEOUT = 900.0
LABELS = {
    "action_server": "action server",
    "rasa_server": "Rasa server",
    "demo_page": "web chat demo page",
    "notifications": "notification sender",
}


def say(message: str) -> None:
    print(f"==> {message}", file=sys.stderr, flush=True)


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return bool(response.status == 200)
    except OSError:
        return False


def announce_when_ready() -> None:
    urls = [f"http://localhost:{RASA_PORT}/", f"http://localhost:{ACTION_PORT}/health"]
    deadline = time.monotonic() + READY_TIMEOUT
    while not all(answers(url) for url in urls):
        if time.monotonic() > deadline:
            say(f"The servers did not answer within {READY_TIMEOUT:.0f} s: {' and '.join(urls)}.")
            return
        time.sleep(1)
    token, jwt = os.environ.get("RASA_API_TOKEN"), os.environ.get("RASA_JWT_SECRET")
    api = "on (RASA_API_TOKEN / RASA_JWT_SECRET)" if token or jwt else "off"
    page = f"http://localhost:{WEB_PORT}/" + (
        "" if RASA_PORT == "5005" else f"?rasa_port={RASA_PORT}"
    )
    say(
        f"Assistant ready: REST on http://localhost:{RASA_PORT}/webhooks/rest/webhook; "
        f"HTTP API {api}"
    )
    if not demo_page_failed:
        say(f"Web chat demo page: {page} (Ctrl-C stops everything)")


def stop_everything(reason: str) -> None:
    say(f"{reason} Stopping everything.")
    time.sleep(0.5)  # so that the line above comes before supervisord's own
    os.kill(os.getppid(), signal.SIGTERM)  # supervisord stops the other programs, then exits


action_server_exits = 0
demo_page_failed = False


def on_event(event: str, headers: dict) -> None:
    global action_server_exits, demo_page_failed
    name = headers.get("processname", "")
    label = LABELS.get(name, name)
    if event == "PROCESS_STATE_RUNNING" and name == "rasa_server":
        threading.Thread(target=announce_when_ready, daemon=True).start()
    elif event == "PROCESS_STATE_RUNNING" and name == "action_server" and action_server_exits:
        say("The action server runs again.")
    elif event == "PROCESS_STATE_EXITED" and name == "notifications":
        say("The notification sender stopped; supervisord restarts it (nothing queued is lost).")
    elif event == "PROCESS_STATE_EXITED" and name == "action_server":
        action_server_exits += 1
        say(f"The action server stopped (pid {headers.get('pid')}); supervisord restarts it.")
    elif event == "PROCESS_STATE_BACKOFF" and name == "action_server":
        tries = headers.get("tries", "?")
        say(f"The action server stopped while starting ({tries} times in a row); trying again.")
    elif event == "PROCESS_STATE_FATAL" and name == "demo_page":
        demo_page_failed = True
        say(f"No web chat demo page: it could not start (is port {WEB_PORT} in use?).")
    elif event == "PROCESS_STATE_FATAL" and name == "rasa_server":
        stop_everything("The Rasa server stopped while starting (its output is above).")
    elif event == "PROCESS_STATE_FATAL":
        stop_everything(
            f"supervisord gave up on the {label}: it stopped while starting too many times "
            "in a row (its output is above)."
        )
    elif event == "PROCESS_STATE_EXITED" and name == "rasa_server":
        stop_everything("The Rasa server stopped (its output is above).")


def main() -> None:
    while True:
        childutils.listener.ready()
        line = sys.stdin.readline()
        if not line:  # supervisord is gone
            return
        headers = childutils.get_headers(line)
        payload = sys.stdin.read(int(headers["len"]))
        on_event(headers["eventname"], childutils.get_headers(payload))
        childutils.listener.send("OK")


if __name__ == "__main__":
    main()
