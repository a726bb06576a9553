"""The first five minutes: what a new user meets running the README's two commands."""

import subprocess
from io import StringIO

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command

from timeline.models import Milestone, Program

APT_SH = settings.BASE_DIR / ".ci" / "apt.sh"


def fake_apt(tmp_path, locked_runs: int):
    """An apt-get that reports the dpkg lock held by another process for its first `locked_runs` runs."""
    script = tmp_path / "apt-get"
    counter = tmp_path / "runs"
    script.write_text(
        "#!/bin/bash\n"
        f"n=$(cat {counter} 2>/dev/null || echo 0); echo $((n + 1)) > {counter}\n"
        f'if [ "$n" -lt {locked_runs} ]; then\n'
        '  echo "E: Could not get lock /var/lib/dpkg/lock-frontend. It is held by process 4242 (apt-get)" >&2\n'
        "  exit 100\n"
        "fi\n"
        'echo "installed $*"\n'
    )
    script.chmod(0o755)
    return script, counter


def run_apt_wait(script, *, wait: int) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", "-c", f'source "{APT_SH}"; apt_wait "{script}" install -y chromium'],
        env={"PATH": "/usr/bin:/bin", "TRACKER_APT_WAIT": str(wait), "TRACKER_APT_POLL": "0.2"},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_a_busy_package_manager_is_waited_for_and_named(tmp_path):
    script, counter = fake_apt(tmp_path, locked_runs=2)
    result = run_apt_wait(script, wait=30)
    assert result.returncode == 0, result.stderr
    assert "held by process 4242 (apt-get)" in result.stdout
    assert "waiting up to 30s" in result.stdout
    assert counter.read_text().strip() == "3"


def test_a_package_manager_that_stays_busy_gets_a_clear_message(tmp_path):
    script, _counter = fake_apt(tmp_path, locked_runs=10_000)
    result = run_apt_wait(script, wait=1)
    assert result.returncode != 0
    assert "Gave up after 1s" in result.stderr
    assert "held by process 4242 (apt-get)" in result.stderr
    assert "TRACKER_APT_WAIT" in result.stderr


def test_other_apt_errors_are_not_waited_for(tmp_path):
    script = tmp_path / "apt-get"
    script.write_text('#!/bin/bash\necho "E: Unable to locate package chromium" >&2\nexit 100\n')
    script.chmod(0o755)
    result = run_apt_wait(script, wait=30)
    assert result.returncode != 0
    assert "Unable to locate package chromium" in result.stderr
    assert "waiting" not in result.stdout


def test_serve_keeps_the_development_tools_that_the_tests_installed():
    serve = (settings.BASE_DIR / ".ci" / "serve").read_text()
    sync_args = next(line for line in serve.splitlines() if line.startswith("UV_SYNC_ARGS="))
    assert "--inexact" in sync_args


@pytest.mark.django_db
@pytest.mark.slow
def test_the_fixture_loads_by_name():
    call_command("loaddata", "gwangju_ai_cluster", verbosity=0)
    program = Program.objects.get(slug="gwangju-ai-cluster")
    assert Milestone.objects.filter(program=program).count() == 45


@pytest.mark.django_db
@pytest.mark.slow
def test_load_gwangju_says_what_it_did_without_noise():
    out = StringIO()
    call_command("load_gwangju", stdout=out)
    text = out.getvalue()
    assert "Finished" not in text and "instances" not in text
    assert "Refreshed the schedules of 45 milestones." in text
    assert "first history version" in text


@pytest.mark.django_db
def test_the_admin_password_file_says_which_part_is_which(settings, tmp_path, monkeypatch):
    settings.VAR_DIR = tmp_path
    monkeypatch.delenv("DJANGO_SUPERUSER_PASSWORD", raising=False)
    monkeypatch.delenv("DJANGO_SUPERUSER_USERNAME", raising=False)
    call_command("ensure_admin", stdout=StringIO())
    lines = (tmp_path / "admin-password.txt").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "username: admin"
    assert lines[1].startswith("password: ")
    password = lines[1].removeprefix("password: ")
    assert get_user_model().objects.get(username="admin").check_password(password)
