"""The platform's one rulebook instance: the packs and the working-day calendar.

Loaded once per process from the built-in packs plus the operator's directories in settings.
"""

from functools import cache

from django.conf import settings

from idi.rules import Rulebook, load_rulebook


@cache
def get_rulebook() -> Rulebook:
    return load_rulebook(
        pack_dirs=tuple(settings.IDI_RULE_PACK_DIRS),
        calendar_dir=settings.IDI_CALENDAR_DIR,
    )
