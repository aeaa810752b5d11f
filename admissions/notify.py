"""`python -m admissions notify`: the notifications to admissions about callback requests.

  notify            which notifications are on, and how many are waiting
  notify --check    which are on; exit code 2 if the settings are wrong (make run)
  notify --retry    queue the failed ones again and send what is due now
  notify --serve    the sender, until SIGTERM or Ctrl-C (supervisord.conf)

The sending itself is storage/notification_sender.py; the settings storage/settings.py.
"""

import argparse
import logging
import signal
import sys
import threading
from typing import Any, List, Optional

from storage import notification_sender as sender
from storage import outbox
from storage.settings import notification_problems

logger = logging.getLogger("admissions.notify")
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s - %(message)s"


def add_parser(commands: Any) -> None:
    """The `notify` subcommand, on the staff tool's subparsers."""
    notify = commands.add_parser(
        "notify", help="notifications to admissions: status, retry, sender"
    )
    mode = notify.add_mutually_exclusive_group()
    mode.add_argument("--retry", action="store_true", help="send the failed ones again, now")
    mode.add_argument("--serve", action="store_true", help="run the sender (make run starts it)")
    mode.add_argument(
        "--check", action="store_true", help="say which are on; fail if the settings are wrong"
    )


def one_status(delivery: outbox.Delivery) -> str:
    channel = delivery.channel
    if delivery.status == outbox.SENT:
        return f"{channel} sent"
    if delivery.status == outbox.FAILED:
        return (
            f"{channel} FAILED after {delivery.attempts} attempts "
            f"({delivery.last_error}; notify --retry sends it again)"
        )
    if delivery.status == outbox.SENDING:
        return f"{channel} being sent (attempt {delivery.attempts})"
    if delivery.attempts == 0:
        return f"{channel} pending"
    next_attempt = delivery.next_attempt_at.strftime("%H:%M:%S UTC")
    return (
        f"{channel} pending ({delivery.attempts} attempts failed, last: {delivery.last_error}; "
        f"next attempt {next_attempt})"
    )


def delivery_status(deliveries: List[outbox.Delivery]) -> str:
    """'email sent, webhook pending (2 attempts failed, last: HTTP 500; next attempt ...)'."""
    return ", ".join(one_status(delivery) for delivery in deliveries)


def waiting(url: Optional[str]) -> str:
    counts = {outbox.PENDING: 0, outbox.SENDING: 0, outbox.FAILED: 0, outbox.SENT: 0}
    for deliveries in outbox.deliveries(url).values():
        for delivery in deliveries:
            counts[delivery.status] = counts.get(delivery.status, 0) + 1
    return ", ".join(f"{count} {status}" for status, count in counts.items())


def retry(config: sender.SenderConfig, url: Optional[str]) -> int:
    print(f"{outbox.retry_failed(url)} failed notification(s) queued again.")
    if not config.channels:
        print("No notification is on: nothing sent.")
        return 0
    counts = sender.send_due(config, url)
    print(
        f"Sent {counts[sender.SENT]}; {counts[sender.FAILED]} failed again "
        "(the sender keeps trying: see `list`)."
    )
    return 0


def serve(config: sender.SenderConfig, url: Optional[str]) -> int:
    """The sender in the foreground; SIGTERM or SIGINT stops it after the delivery under way."""
    logging.basicConfig(level=logging.INFO, format=LOG_FORMAT)
    stop = threading.Event()
    for signal_number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signal_number, lambda *_: stop.set())
    logger.info("Notification sender started. %s", sender.status_line(config))
    sender.serve(stop, config, url)
    logger.info("Notification sender stopped.")
    return 0


def run(args: argparse.Namespace, url: Optional[str]) -> int:
    problems = notification_problems()
    if problems:
        for problem in problems:
            print(f"Notification settings: {problem}.", file=sys.stderr)
        return 2
    config = sender.current_config()
    if args.serve:
        return serve(config, url)
    if args.retry:
        return retry(config, url)
    print(sender.status_line(config))
    if not args.check:
        print(f"Notifications: {waiting(url)}.")
    return 0
