"""`python -m idi.rules <subcommand> ...`, the same as `idi rules <subcommand> ...`."""

import sys

from .cli import main

raise SystemExit(main(sys.argv[1:]))
