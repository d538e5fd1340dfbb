"""The command line: argument parsing and exit codes only; the work is in the library.

`main` is the one error boundary: every failure ends in exit 2 and one line `amakg: error: …`
on stderr (never a traceback; AMAKG_DEBUG=1 shows it for an internal error), exit 1 means only
that the data does not conform. As the console script, `main` takes the network away from the
process (amakg.sandbox) before a command works, unless the user allowed an endpoint.
"""

from .boundary import main
from .commands import cli
from .options import FORMATS

__all__ = ["FORMATS", "cli", "main"]
