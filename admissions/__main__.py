"""Callback requests for the admissions team.

  python -m admissions list                       new requests, oldest first, with their
                                                  notifications' delivery status
  python -m admissions list --all                 every request
  python -m admissions show 12                    request 12 with its screening summary
  python -m admissions export --since 2026-11-01 --until 2026-11-08 --format csv > week.csv
  python -m admissions contacted 12               mark request 12 as contacted
  python -m admissions purge --days 30            delete requests and conversations older than 30 days
                                                  (default: RETENTION_DAYS, 30)
  python -m admissions new-key                    print a new data encryption key
  python -m admissions rotate-key                 re-encrypt requests and conversations with a
                                                  new key (see admissions/keys.py)
  python -m admissions notify                     which notifications are on, and how many wait
  python -m admissions notify --retry             send the failed notifications again, now
  python -m admissions notify --serve             the sender (make run starts it)

The database is DATABASE_URL (default: var/assistant.db); --database-url overrides it.
Dates are UTC; --until is exclusive (the day after the last day you want).
"""

import argparse
import csv
import io
import json
import sys
from datetime import datetime
from typing import Any, Dict, List, Optional

from admissions import keys, notify, retention
from storage import callbacks as store
from storage import crypto, outbox
from storage.callbacks import NEW
from storage.request_text import flat, full_lines
from storage.settings import retention_days

COLUMNS = [
    "id",
    "created_at",
    "status",
    "contacted_at",
    "first_name",
    "phone",
    "best_time",
    "channel",
    "emergency_answer_shown",
    "conversation_id",
]


def day(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date: {text!r} (use YYYY-MM-DD)") from None


def as_csv(requests: List[Dict[str, Any]]) -> str:
    rows = [{**{c: r[c] for c in COLUMNS}, **flat(r["summary"], "summary.")} for r in requests]
    header = COLUMNS + sorted({k for row in rows for k in row if k not in COLUMNS})
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def as_table(
    requests: List[Dict[str, Any]],
    deliveries: Optional[Dict[int, List[outbox.Delivery]]] = None,
) -> str:
    if not requests:
        return "No callback requests."
    lines = []
    for r in requests:
        alert = "  EMERGENCY ANSWER SHOWN" if r["emergency_answer_shown"] else ""
        sent = (deliveries or {}).get(r["id"])
        notified = f"  notified: {notify.delivery_status(sent)}" if sent else ""
        lines.append(
            f"#{r['id']}  {r['created_at']}  {r['status']}  {r['first_name']}  {r['phone']}  "
            f"call: {r['best_time']}  via {r['channel']}{alert}{notified}"
        )
    return "\n".join(lines)


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="python -m admissions",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    top.add_argument("--database-url", help="the assistant's database (default: DATABASE_URL)")
    commands = top.add_subparsers(dest="command", required=True)

    listing = commands.add_parser("list", help="requests not yet contacted")
    listing.add_argument("--all", action="store_true", help="contacted ones too")

    show = commands.add_parser("show", help="one request with its screening summary")
    show.add_argument("id", type=int)

    export = commands.add_parser("export", help="requests in a date range, as CSV or JSON")
    export.add_argument("--since", type=day, help="from this date (UTC, inclusive)")
    export.add_argument("--until", type=day, help="before this date (UTC, exclusive)")
    export.add_argument("--format", choices=["csv", "json"], default="csv")
    export.add_argument("--status", choices=["new", "contacted"], help="only these")

    contacted = commands.add_parser("contacted", help="mark a request as contacted")
    contacted.add_argument("id", type=int)

    purge = commands.add_parser("purge", help="delete requests and conversations older than N days")
    purge.add_argument("--days", type=int, default=retention_days())
    purge.add_argument(
        "--tracker-url",
        help="the conversations database (default: the Rasa server's, see storage/settings.py)",
    )
    commands.add_parser("new-key", help="print a new data encryption key")
    rotate = commands.add_parser(
        "rotate-key", help="re-encrypt requests and conversations with a new key"
    )
    rotate.add_argument(
        "--tracker-url",
        help="the conversations database (default: the Rasa server's, see storage/settings.py)",
    )
    notify.add_parser(commands)
    return top


def show(request_id: int, url: Optional[str]) -> int:
    request = store.get(request_id, url)
    if request is None:
        print(f"No callback request #{request_id}.", file=sys.stderr)
        return 1
    print("\n".join(full_lines(request)))
    sent = outbox.deliveries(url).get(request_id)
    if sent:
        print(f"Notifications: {notify.delivery_status(sent)}")
    return 0


def main(argv: Optional[List[str]] = None) -> int:
    args = parser().parse_args(argv)
    url = args.database_url
    if args.command == "list":
        print(as_table(store.find(url, status=None if args.all else NEW), outbox.deliveries(url)))
    elif args.command == "show":
        return show(args.id, url)
    elif args.command == "notify":
        return notify.run(args, url)
    elif args.command == "export":
        found = store.find(url, status=args.status, since=args.since, until=args.until)
        sys.stdout.write(
            as_csv(found) if args.format == "csv" else json.dumps(found, indent=2) + "\n"
        )
    elif args.command == "contacted":
        if not store.mark_contacted(args.id, url):
            print(f"No callback request #{args.id}.", file=sys.stderr)
            return 1
        print(f"Callback request #{args.id} marked as contacted.")
    elif args.command == "new-key":
        print(crypto.new_key())
    elif args.command == "rotate-key":
        print(keys.report(keys.rotate(url, args.tracker_url)))
    elif args.command == "purge":
        if args.days < 1:
            print("--days must be at least 1.", file=sys.stderr)
            return 2
        purged = retention.purge(args.days, url, args.tracker_url)
        print(
            f"Deleted {purged.callback_requests} callback request(s) older than {args.days} days."
        )
        if purged.events is None:
            print(
                "Conversation events: no SQL tracker store with an events table; nothing deleted."
            )
        else:
            print(f"Deleted {purged.events} conversation event(s) older than {args.days} days.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
