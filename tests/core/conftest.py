import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo data set, built once for the test module that asks for it (access_world)."""
    from access_world import demo_world

    with demo_world(django_db_blocker) as world:
        yield world
