"""How ganzoo's command-line tools fail: one line, `error: <what> (<fix>)`, exit status 2.

A user's mistake (a bad flag, a missing file, data that does not fit) is
reported in one line; a traceback means a bug in ganzoo. Set GANZOO_DEBUG=1 to
get the traceback anyway.
"""

import argparse
import os
import sys

from absl import flags

USAGE_ERROR = 2
# Everything ganzoo raises for bad input derives from ValueError (LoadError, PresetError, DataError,
# WorkdirError); the OS errors are a path the user gave.
USER_ERRORS = (ValueError, FileExistsError, FileNotFoundError, IsADirectoryError, NotADirectoryError, PermissionError)


def fail(message, *, prog=None):
    """Prints `error: message` on stderr and exits with status 2."""
    prefix = f"{prog}: " if prog else ""
    print(f"{prefix}error: {' '.join(str(message).split())}", file=sys.stderr)
    sys.exit(USAGE_ERROR)


def guarded(main, *, prog=None):
    """`main` with user errors turned into `fail` (tracebacks only for bugs, or with GANZOO_DEBUG=1)."""

    def run(*args, **kwargs):
        try:
            return main(*args, **kwargs)
        except USER_ERRORS as error:
            if os.environ.get("GANZOO_DEBUG"):
                raise
            fail(error, prog=prog)

    return run


def absl_flags_parser(prog):
    """An absl `flags_parser` that reports a bad flag (an unknown config key, a value of the wrong type) in
    one line; ml_collections' own did-you-mean comes with it."""

    def parse(argv):
        try:
            return flags.FLAGS(argv)
        except (flags.Error, AttributeError, KeyError, TypeError, ValueError) as error:
            if os.environ.get("GANZOO_DEBUG"):
                raise
            fail(str(error).replace("\\n", " ").strip("'\""), prog=prog)

    return parse


class ArgumentParser(argparse.ArgumentParser):
    """argparse whose errors are one line (no usage block) with exit status 2."""

    def error(self, message):
        fail(message, prog=self.prog)
