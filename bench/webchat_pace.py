"""How long the web chat keeps a person waiting: from sending a message to the last
message of the reply on the demo page, turn by turn through a whole screening.

    python -m bench.webchat_pace [--widget-default-delay]

Starts the action server and the Rasa server as the tests do (tests/support/servers.py,
databases in a temporary directory), serves web/ as `make run` does, and drives the
demo page at phone size in headless Chromium (Debian's /usr/bin/chromium). The
answers of tests/support/screening_script.py are typed and sent with Enter. The page
itself records when Enter was pressed and when each bot message appeared
(performance.now()), so the figures are what a person sees, typing delay included.
The same answers are then sent over socket.io without the widget (the server's own
time per turn), so the difference is the widget's pacing.

--widget-default-delay measures the page with rasa-webchat's own typing delay
(30 ms a character, 0.8 to 3 s a message), as the page was before web/screening-chat.js
set its own.

Prints a line per turn and the totals; writes bench/results/webchat_pace.json.
"""

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Dict, List

from playwright.sync_api import Page, Route, ViewportSize, sync_playwright

from tests.support.screening_script import SCREENING
from tests.support.servers import ROOT, ServerError, Servers, WebServer, free_port
from tests.support.webchat_user import WebchatUser

RESULTS = ROOT / "bench" / "results" / "webchat_pace.json"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
PHONE: ViewportSize = {"width": 390, "height": 844}
REPLY_TIMEOUT_S = 60.0
# A reply is over when no message is pending (no typing dots) and none came for this
# long: longer than the server's gap between two messages of one turn.
QUIET_S = 1.5
WRAPPER = "screening-chat.js"
OWN_DELAY = "customMessageDelay: messageDelay,"

# Runs in the page: when Enter is pressed in the chat's text box, and when each
# bot message appears in the conversation (typing dots are not messages).
RECORDER = """
window.__pace = { sent: [], shown: [] };
document.addEventListener("keydown", function (event) {
  if (event.key === "Enter" && event.target.classList.contains("rw-new-message")) {
    window.__pace.sent.push(performance.now());
  }
}, true);
new MutationObserver(function () {
  var shown = document.querySelectorAll("#rw-messages .rw-from-response .rw-response").length;
  if (shown > window.__pace.shown.length) {
    for (var i = window.__pace.shown.length; i < shown; i++) { window.__pace.shown.push(performance.now()); }
  }
}).observe(document, { childList: true, subtree: true });
"""


def bot_messages_shown(page: Page) -> int:
    return int(page.evaluate("window.__pace.shown.length"))


def typing(page: Page) -> bool:
    return page.locator(".rw-typing-indication").count() > 0


def wait_for_reply(page: Page, before: int) -> None:
    """Until the reply's messages have all appeared (see QUIET_S)."""
    deadline = time.monotonic() + REPLY_TIMEOUT_S
    last_count, last_change = before, time.monotonic()
    while time.monotonic() < deadline:
        count = bot_messages_shown(page)
        if count != last_count or typing(page):
            last_count, last_change = count, time.monotonic()
        elif count > before and time.monotonic() - last_change >= QUIET_S:
            return
        page.wait_for_timeout(50)
    raise TimeoutError(f"No complete reply within {REPLY_TIMEOUT_S:.0f} s.")


def page_turns(page: Page, url: str) -> List[Dict[str, Any]]:
    """Each turn of the screening on the demo page: messages, first and last shown (s)."""
    page.add_init_script(RECORDER)
    page.goto(url)
    page.locator(".rw-launcher").click()
    page.locator(".rw-new-message").wait_for()
    wait_for_reply(page, 0)  # the greeting (the widget's initPayload)
    turns = []
    for text, _ in SCREENING:
        before = bot_messages_shown(page)
        page.locator(".rw-new-message").fill(text)
        page.locator(".rw-new-message").press("Enter")
        wait_for_reply(page, before)
        pace = page.evaluate("window.__pace")
        sent, shown = pace["sent"][-1], pace["shown"][before:]
        turns.append(
            {
                "said": text,
                "messages": len(shown),
                "first_s": round((shown[0] - sent) / 1000, 2),
                "last_s": round((shown[-1] - sent) / 1000, 2),
            }
        )
    return turns


def server_turns(base_url: str, origin: str) -> List[float]:
    """The same answers over socket.io without the widget: seconds per whole turn."""
    user = WebchatUser(base_url, origin)
    try:
        seconds = []
        for text, _ in SCREENING:
            started = time.perf_counter()
            user.say(text)
            seconds.append(round(time.perf_counter() - started, 2))
        return seconds
    finally:
        user.close()


def with_widget_default_delay(route: Route) -> None:
    """Serves web/screening-chat.js without its own typing delay."""
    script = route.fetch().text()
    if OWN_DELAY not in script:
        raise RuntimeError(f"{WRAPPER} no longer has {OWN_DELAY!r}: update this benchmark.")
    route.fulfill(body=script.replace(OWN_DELAY, ""), content_type="text/javascript")


def measure(servers: Servers, web: WebServer, widget_default_delay: bool) -> Dict[str, Any]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            page = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
            if widget_default_delay:
                page.route(f"**/{WRAPPER}", with_widget_default_delay)
            turns = page_turns(page, web.url)
        finally:
            browser.close()
    origin = web.url.split("/?")[0]
    for turn, server_s in zip(turns, server_turns(servers.base_url, origin), strict=True):
        turn["server_s"] = server_s
    return summary(turns, widget_default_delay)


def summary(turns: List[Dict[str, Any]], widget_default_delay: bool) -> Dict[str, Any]:
    last = [turn["last_s"] for turn in turns]
    longest = max(turns, key=lambda turn: turn["last_s"])
    return {
        "typing_delay": "rasa-webchat default" if widget_default_delay else "web/screening-chat.js",
        "turns": turns,
        "total_last_s": round(sum(last), 1),
        "total_server_s": round(sum(turn["server_s"] for turn in turns), 1),
        "median_last_s": round(statistics.median(last), 2),
        "longest_reply": longest,
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }


def report(results: Dict[str, Any]) -> None:
    print(f"Typing delay: {results['typing_delay']}")
    print(f"{'said':<26} {'msgs':>4} {'first':>7} {'last':>7} {'server':>7}")
    for turn in results["turns"]:
        print(
            f"{turn['said'][:26]:<26} {turn['messages']:>4} {turn['first_s']:>6.2f}s"
            f" {turn['last_s']:>6.2f}s {turn['server_s']:>6.2f}s"
        )
    longest = results["longest_reply"]
    print(
        f"Whole screening: {results['total_last_s']} s of waiting on the page "
        f"({results['total_server_s']} s of it the server); median turn "
        f"{results['median_last_s']} s; longest reply {longest['last_s']} s "
        f"({longest['messages']} messages, after {longest['said']!r})."
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--widget-default-delay", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="screening-bench-") as tmp:
        web_port = free_port()
        env = {
            "WEB_PORT": str(web_port),
            "WEBCHAT_ORIGINS": f"http://localhost:{web_port}",
            "DATABASE_URL": f"sqlite:///{Path(tmp) / 'assistant.db'}",
            "TRACKER_STORE_URL": f"sqlite:///{Path(tmp) / 'conversations.db'}",
        }
        os.environ.update(env)  # the channel reads WEBCHAT_ORIGINS
        servers = Servers(free_port(), free_port(), Path(tmp), env=env)
        print("Starting the action server, the Rasa server and the demo page...", flush=True)
        try:
            servers.start()
        except ServerError as error:
            print(error, file=sys.stderr)
            return 1
        web = WebServer(web_port, servers.base_url)
        try:
            web.start()
            results = measure(servers, web, args.widget_default_delay)
        finally:
            web.stop()
            servers.stop()
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    report(results)
    print(f"Written to {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
