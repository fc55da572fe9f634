"""Helpers of the parties and projects tests (imported by name: this directory is put on
sys.path by conftest.py, since with --import-mode=importlib a conftest cannot be imported)."""

import itertools

from idi.core.models import AuditEvent
from idi.core.permissions import Actor
from idi.parties.validators import id_number_check_char, uscc_check_char

OPERATOR = Actor(user_id=None, label="operator (test)", is_operator=True)
PASSWORD = "correct-horse-battery-9"
_codes = itertools.count(1000)


def make_uscc(n: int | None = None) -> str:
    first17 = f"91330100{(n if n is not None else next(_codes)):09d}"
    return first17 + uscc_check_char(first17)


def make_id_number(n: int, birth: str = "19850312") -> str:
    first17 = f"330106{birth}{n % 1000:03d}"
    return first17 + id_number_check_char(first17)


def audit_count() -> int:
    return AuditEvent.objects.count()


def next_number() -> int:
    return next(_codes)
