"""Passwords: Argon2 in production; the test suite hashes with a fast hasher instead."""

import pytest
from django.contrib.auth.hashers import get_hasher, make_password

from idi.config import settings as production_settings


def test_production_hashes_passwords_with_argon2():
    assert production_settings.PASSWORD_HASHERS[0] == (
        "django.contrib.auth.hashers.Argon2PasswordHasher"
    )


def test_tests_hash_passwords_with_the_fast_hasher():
    assert get_hasher().algorithm == "md5"
    assert make_password("secret-password").startswith("md5$")


@pytest.mark.production_hasher
def test_a_test_of_the_hasher_itself_gets_argon2():
    assert make_password("secret-password").startswith("argon2")
