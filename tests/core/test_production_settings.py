"""Production settings (README "Production"): one switch, IDI_PRODUCTION=1, turns on HTTPS-only,
HSTS and secure cookies; `idi check --deploy` is then clean. The Content-Security-Policy is on
everywhere, so that every test that renders a page runs under it."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

IDI = str(Path(sys.executable).parent / "idi")

# The production environment the README documents (values for a test machine).
PRODUCTION_ENV = {
    "IDI_PRODUCTION": "1",
    "IDI_ALLOWED_HOSTS": "idi.example.cn,testserver",
    "IDI_CACHE_URL": "redis://127.0.0.1:6379/14",
    "IDI_PROXY_COUNT": "1",
    "DATABASE_URL": "sqlite:///:memory:",
}


def _run(args, *, env, tmp_path):
    # A clean environment, as a server has: nothing of the test run's (DJANGO_*, IDI_*).
    base = {k: os.environ[k] for k in ("PATH", "HOME", "LANG") if k in os.environ}
    return subprocess.run(
        [IDI, *args],
        env={**base, "IDI_VAR_DIR": str(tmp_path), **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_is_clean_in_production(tmp_path):
    done = _run(
        ["check", "--deploy", "--fail-level", "WARNING"], env=PRODUCTION_ENV, tmp_path=tmp_path
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


PROBE = """
from django.test import Client
plain = Client().get("/favicon.ico")
print("redirect", plain.status_code, plain.headers.get("Location"))
secure = Client().get("/favicon.ico", secure=True)
print("hsts", secure.headers.get("Strict-Transport-Security"))
proxied = Client().get("/favicon.ico", headers={"X-Forwarded-Proto": "https"})
print("proxied", proxied.status_code)
from django.conf import settings
print("cookies", settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE)
"""


def test_production_answers_https_only_with_hsts(tmp_path):
    done = _run(["shell", "-c", PROBE], env=PRODUCTION_ENV, tmp_path=tmp_path)
    assert done.returncode == 0, done.stderr
    lines = dict(line.split(" ", 1) for line in done.stdout.splitlines() if " " in line)
    assert lines["redirect"].startswith("301 https://")
    assert "max-age=31536000" in lines["hsts"] and "includeSubDomains" in lines["hsts"]
    assert lines["proxied"] == "301"  # behind the proxy, https is believed: on to the static file
    assert lines["cookies"] == "True True"


def test_production_refuses_debug(tmp_path):
    done = _run(["check"], env={**PRODUCTION_ENV, "IDI_DEBUG": "1"}, tmp_path=tmp_path)
    assert done.returncode != 0
    assert "exclude each other" in done.stderr


@pytest.mark.django_db
def test_every_page_carries_a_content_security_policy():
    answer = Client().get("/")
    policy = answer.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy
    assert "frame-ancestors 'none'" in policy
    assert "<script>" not in answer.content.decode()
    assert " style=" not in answer.content.decode()
