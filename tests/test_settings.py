import os
import subprocess
import sys

import pytest
from django.conf import settings


def run_settings(env: dict) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    return subprocess.run(
        [sys.executable, "-c", "import tracker.settings as s; print(s.DATABASES['default']['ENGINE'], s.DEBUG)"],
        env={**clean, **env},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_without_a_secret_key_refuses_to_start():
    result = run_settings({"DJANGO_DEBUG": "0"})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_production_with_a_secret_key_starts():
    result = run_settings({"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": "x" * 60, "DJANGO_ALLOWED_HOSTS": "example.org"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.sqlite3", "False"]


def test_database_url_selects_postgresql():
    result = run_settings({"DATABASE_URL": "postgres://postgres@127.0.0.1:5432/x"})
    assert result.stdout.split()[0] == "django.db.backends.postgresql"


@pytest.mark.parametrize("value", ["maybe", "2"])
def test_a_debug_value_that_is_not_a_boolean_is_a_clear_error(value):
    result = run_settings({"DJANGO_DEBUG": value})
    assert result.returncode != 0
    assert f"DJANGO_DEBUG={value!r} is not a boolean" in result.stderr


def test_korean_default_and_seoul_time():
    assert settings.LANGUAGE_CODE == "ko"
    assert settings.TIME_ZONE == "Asia/Seoul"
    assert [code for code, _ in settings.LANGUAGES] == ["ko", "en"]
