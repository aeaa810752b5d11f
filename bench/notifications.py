"""How soon admissions hear of a callback request: from the person's confirmation to the
email in a local mail server, and after a mail server outage.

    python -m bench.notifications [--requests 50] [--outage 20]

Starts the action server and the Rasa server as the tests do (tests/support/servers.py),
the notification sender as supervisord.conf runs it, and aiosmtpd on loopback, with the
sender's production timings (storage/settings.py: polls every second; retries after 10 s,
then twice as long each time). Then:

1. `--requests` callback requests over REST, one after the other: for each, the time from
   the REST reply that confirms it ("received") to the email's arrival; p50/p95/max.
2. The mail server stops; one request is made; `--outage` seconds later the mail server
   starts again: the time from then to the email, and from the confirmation to it.

Prints the figures and writes bench/results/notifications.json.
"""

import argparse
import json
import platform
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Dict, List

from storage.settings import RETRY_DEFAULTS
from tests.support.notifications import Mail, MailServer, notification_env, sender, start_sender
from tests.support.reliability import sqlite_env
from tests.support.servers import ROOT, Assistant, ServerError, Servers, free_port

RESULTS = ROOT / "bench" / "results" / "notifications.json"
CALLBACK = ["can someone call me back", "yes", "Sam", "617-555-0123", "after 5pm"]
PRODUCTION_TIMINGS = {
    "NOTIFY_POLL_SECONDS": str(RETRY_DEFAULTS.poll_seconds),
    "NOTIFY_FIRST_RETRY_SECONDS": str(RETRY_DEFAULTS.first_retry_seconds),
    "NOTIFY_MAX_RETRY_SECONDS": str(RETRY_DEFAULTS.max_retry_seconds),
    "NOTIFY_TIMEOUT_SECONDS": str(RETRY_DEFAULTS.timeout_seconds),
    "NOTIFY_LEASE_SECONDS": str(RETRY_DEFAULTS.lease_seconds),
}


def percentile(sorted_values: List[float], fraction: float) -> float:
    """Nearest-rank percentile of an ascending list."""
    index = max(0, min(len(sorted_values) - 1, round(fraction * len(sorted_values) + 0.5) - 1))
    return sorted_values[index]


def request_callback(client: Assistant, number: int) -> float:
    """One person's callback request over REST; returns when it was confirmed."""
    person = f"bench-notify-{number}-{time.time_ns()}"
    for text in CALLBACK:
        reply = client.texts(person, text)
    if "request is saved" not in reply:
        raise RuntimeError(f"request {number} was not confirmed: {reply!r}")
    return time.monotonic()


def next_mail(mail: MailServer, count: int, timeout: float) -> Mail:
    return mail.wait_for(count, timeout)[count - 1]


def confirmation_to_email(client: Assistant, mail: MailServer, requests: int) -> List[float]:
    delays = []
    for number in range(requests):
        confirmed = request_callback(client, number)
        delays.append(next_mail(mail, len(mail.mails) + 1, 30).arrived - confirmed)
    return delays


def outage(client: Assistant, mail: MailServer, seconds: float) -> Dict[str, float]:
    """The mail server down for `seconds` around one request."""
    port = mail.port
    mail.stop()
    confirmed = request_callback(client, 9999)
    time.sleep(max(0.0, confirmed + seconds - time.monotonic()))
    back = MailServer(port=port).start()
    up = time.monotonic()
    try:
        arrived = next_mail(back, 1, 60 + RETRY_DEFAULTS.max_retry_seconds).arrived
    finally:
        back.stop()
    return {
        "outage_s": seconds,
        "server_up_to_email_s": round(arrived - up, 2),
        "confirmation_to_email_s": round(arrived - confirmed, 2),
    }


def summary(delays: List[float]) -> Dict[str, Any]:
    ordered = sorted(delays)
    return {
        "requests": len(ordered),
        "p50_s": round(percentile(ordered, 0.50), 3),
        "p95_s": round(percentile(ordered, 0.95), 3),
        "max_s": round(ordered[-1], 3),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument(
        "--outage", type=float, default=20.0, help="seconds the mail server is down"
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="screening-bench-notify-") as tmp:
        log_dir = Path(tmp)
        mail = MailServer().start()
        env = notification_env(f"sqlite:///{log_dir / 'assistant.db'}", mail)
        env.update(PRODUCTION_TIMINGS)
        env.update(sqlite_env(log_dir))
        servers = Servers(free_port(), free_port(), log_dir, interface="127.0.0.1", env=env)
        notifier = sender(log_dir / "sender.log", env)
        print("Starting the action server, the Rasa server and the sender...", flush=True)
        try:
            start_sender(notifier)
            servers.start()
        except (ServerError, AssertionError) as error:
            print(error, file=sys.stderr)
            notifier.stop()
            return 1
        client = Assistant(servers.base_url)
        try:
            print(f"{args.requests} callback requests, one after the other...", flush=True)
            delays = confirmation_to_email(client, mail, args.requests)
            print(f"Mail server down for {args.outage:.0f} s around one request...", flush=True)
            after_outage = outage(client, mail, args.outage)
        finally:
            client.close()
            servers.stop()
            notifier.stop()
            mail.stop()

    results = {
        "confirmation_to_email": summary(delays),
        "outage": after_outage,
        "timings": PRODUCTION_TIMINGS,
        "machine": {"python": platform.python_version(), "platform": platform.platform()},
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    figures = results["confirmation_to_email"]
    print(
        f"Confirmation to email over {figures['requests']} requests: "
        f"p50 {figures['p50_s']} s, p95 {figures['p95_s']} s, max {figures['max_s']} s"
    )
    print(
        f"Mail server down {after_outage['outage_s']:.0f} s: the email arrived "
        f"{after_outage['server_up_to_email_s']} s after it was back "
        f"({after_outage['confirmation_to_email_s']} s after the confirmation)"
    )
    print(f"Written: {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
