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
import logging
import sys

import rasa
from rasa.__main__ import main as rasa_main

from addons import patches
from storage import log_privacy


def import_leaving_logging_alone(module: str) -> None:
    """Imports `module` now, and puts the root logger back as it was.

    Loading the intent classifier imports skops, which imports numpy.distutils: it
    turns the root logger into its own class (which prints to stdout) at level
    WARNING. Imported during the model load, that undid --debug and LOG_LEVEL and
    put log lines in the staff shell's console.
    """
    root = logging.getLogger()
    kind, handlers, level = root.__class__, list(root.handlers), root.level
    importlib.import_module(module)
    root.__class__ = kind
    root.handlers[:] = handlers
    root.setLevel(level)


def main() -> None:
    if rasa.__version__ != patches.RASA_VERSION:
        sys.exit(
            f"addons/patches/ were written for Rasa {patches.RASA_VERSION}, "
            f"but Rasa {rasa.__version__} is installed: check them, then update RASA_VERSION."
        )
    log_privacy.install()
    patches.install()
    import_leaving_logging_alone("skops.io")
    sys.argv = ["rasa", *sys.argv[1:]]
    rasa_main()


if __name__ == "__main__":
    main()
