"""The `idi` command.

`idi rules ...` answers from the rulebook without starting Django, so that scripts calling it
stay fast. Every other subcommand is a Django management command of the platform
(`idi demo`, `idi serve`, `idi audit verify`, `idi migrate`, ...).
"""

import os
import sys


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] == "rules":
        from idi.rules.cli import main as rules_main

        return rules_main(args[1:])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "idi.config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["idi", *args] if args else ["idi", "help"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
