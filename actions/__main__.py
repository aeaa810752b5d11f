"""The action server, warmed up: `python -m actions --port 5055` (rasa_sdk's own options).

The answer parsers build their vocabulary (spaCy and the lexicon) and the domain
is read (actions/domain.py) before the server listens, so the first answer is
read at once: the Rasa server waits only ACTION_TIMEOUT_SECONDS for an action.
A port already taken stops it at once, before that warm-up: a process manager then
sees a start that failed, not a server that ran for a while and died.
"""

import socket
import sys

from rasa_sdk.__main__ import main_from_args
from rasa_sdk.endpoint import create_argument_parser

from actions.domain import fill_missing_domain
from actions.parsers import preload
from storage import log_privacy


def port_taken(port: int) -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("", port))
        except OSError:
            return True
    return False


def main() -> None:
    log_privacy.install()  # no message, slot value or tracker in any log line
    args = create_argument_parser().parse_args(["--actions", "actions", *sys.argv[1:]])
    if port_taken(int(args.port)):
        sys.exit(f"Port {args.port} is already in use: the action server cannot start.")
    preload()
    fill_missing_domain()
    main_from_args(args)


if __name__ == "__main__":
    main()
