"""The Rasa server's entry point: `python -m addons <rasa command line>`.

    python -m addons run --model models/screening.tar.gz --credentials credentials.yml
    python -m addons shell --model models/screening.tar.gz

It installs the patches in addons/patches/ (the action timeout and the
admissions number when the action server fails), after checking that the
installed Rasa is the version they were written for, and the log filter that keeps
what people wrote out of every log line, at any log level (storage/log_privacy.py);
then it runs Rasa's own command line. Starting the server any other way runs
without them.
"""

import importlib
import sys

import rasa
from rasa.__main__ import main as rasa_main

from addons import patches
from storage import log_privacy


def main() -> None:
    if rasa.__version__ != patches.RASA_VERSION:
        sys.exit(
            f"addons/patches/ were written for Rasa {patches.RASA_VERSION}, "
            f"but Rasa {rasa.__version__} is installed: check them, then update RASA_VERSION."
        )
    log_privacy.install()
    patches.install()
    # Loading the intent classifier imports skops, which imports numpy.distutils,
    # which sets the root logger to WARNING: imported now, before Rasa sets the
    # log level, it cannot undo --debug or LOG_LEVEL.
    importlib.import_module("skops.io")

    sys.argv = ["rasa", *sys.argv[1:]]
    rasa_main()


if __name__ == "__main__":
    main()
