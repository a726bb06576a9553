"""Concurrent imports into one SQLite file do not fail with "database is locked".

Real processes, a real SQLite file: eight `import_article` commands start at once.
"""

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import settings

pytestmark = [
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3", reason="SQLite locking only"
    ),
    pytest.mark.slow,
]
WRITERS = 8


def manage(env, *args, timeout=120):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_parallel_imports_into_one_sqlite_file(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["TRACKER_VAR_DIR"] = str(tmp_path)
    assert manage(env, "migrate", "-v0").returncode == 0
    loaded = manage(env, "load_gwangju", "-v0")
    assert loaded.returncode == 0, loaded.stderr

    articles = []
    for n in range(WRITERS):
        path = tmp_path / f"article-{n}.txt"
        path.write_text(
            f"광주 AI 데이터센터 소식 {n}\n2022년 04월 {n + 1:02d}일(금) 10:00\n"
            f"국가AI데이터센터 건물은 올 연말 완공 예정이다. ({n}번째 보도)\n"
            "시험 운영을 거쳐 내년 상반기 서비스를 시작한다.\n",
            encoding="utf-8",
        )
        articles.append(path)

    def run(path):
        return manage(env, "import_article", str(path), "--program", "gwangju-ai-cluster")

    with ThreadPoolExecutor(max_workers=WRITERS) as pool:
        results = list(pool.map(run, articles))

    for result in results:
        assert result.returncode == 0, result.stderr + result.stdout
        assert "locked" not in (result.stderr + result.stdout)
    count = manage(
        env,
        "shell",
        "-c",
        "from timeline.models import Source; print(Source.objects.filter(body__contains='보도').count())",
    )
    assert count.stdout.strip().splitlines()[-1] == str(WRITERS)
