import io
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.factories import MilestoneFactory, ProgramFactory
from timeline.models import Claim, Milestone, MilestoneKind, Source

pytestmark = pytest.mark.django_db

ARTICLES = Path(__file__).parent / "articles"
LOGISTICS = str(ARTICLES / "binhae-daily-logistics.txt")
SEED = Path(__file__).resolve().parents[2] / "shared" / "articles" / "kwangju-ilbo-2022-04-13.txt"


class TTY(io.StringIO):
    def isatty(self) -> bool:
        return True


def counts() -> tuple[int, int, int]:
    return Source.objects.count(), Claim.objects.count(), Milestone.objects.count()


def run(*args, stdout=None, stderr=None) -> tuple[str, str]:
    out, err = stdout or io.StringIO(), stderr or io.StringIO()
    call_command("import_article", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture(autouse=True)
def program():
    program = ProgramFactory(slug="logistics", name_ko="빛고을 스마트 물류 실증사업")
    MilestoneFactory(
        program=program, key="site-groundbreaking", title_ko="스마트 물류센터 착공", kind=MilestoneKind.EVENT
    )
    MilestoneFactory(
        program=program, key="building-completion", title_ko="물류센터 건물 완공", kind=MilestoneKind.EVENT
    )
    return program


def test_imports_and_reports_a_table():
    out, _ = run(LOGISTICS, "--program", "logistics")
    assert "빛고을 스마트 물류센터 내년 6월 완공" in out
    assert "오는 2024년 6월까지" in out and "물류센터 건물 완공" in out
    assert "Articles read: 1; sources created: 1; claims created: 5" in out
    assert "errors: 0" in out
    assert Source.objects.count() == 1 and Claim.objects.filter(reviewed=False).count() == 5


def test_dry_run_json_lists_candidates_and_writes_nothing():
    before = counts()
    out, err = run(LOGISTICS, "--program", "logistics", "--dry-run", "--format", "json")
    rows = json.loads(out)
    assert counts() == before
    completion = next(r for r in rows if r["expression"] == "오는 2024년 6월까지")
    assert completion == {
        "article": LOGISTICS,
        "expression": "오는 2024년 6월까지",
        "lo": "2024-06-01",
        "hi": "2024-06-30",
        "precision": "month",
        "status": "planned",
        "field": "event",
        "milestone": "물류센터 건물 완공",
        "milestone_key": "building-completion",
        "new_draft": False,
        "proposed_milestone": None,
        "score": completion["score"],
        "confidence": completion["confidence"],
        "sentence": "시는 오는 2024년 6월까지 물류센터 건물을 완공할 계획이다.",
    }
    assert 0.0 <= completion["confidence"] <= 1.0
    assert any(r["milestone"] is None and r["proposed_milestone"] for r in rows)
    drafts = [r for r in rows if r["proposed_milestone"]]
    assert drafts and all(r["new_draft"] and r["milestone_key"] is None for r in drafts)
    assert "Dry run: nothing was written." in err


def test_the_same_article_twice_is_a_skipped_duplicate():
    run(LOGISTICS, "--program", "logistics")
    before = counts()
    out, _ = run(LOGISTICS, "--program", "logistics")
    assert "already imported" in out and "skipped duplicates: 1" in out
    assert counts() == before


def test_many_files_plain_lines_and_a_failure_that_writes_nothing(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    english = str(ARTICLES / "english-release.txt")
    out = io.StringIO()
    with pytest.raises(CommandError, match=r"1 of 3 articles failed.*empty\.txt is empty"):
        run(LOGISTICS, str(empty), english, "--program", "logistics", stdout=out)
    text = out.getvalue()
    assert f"[1/3] {LOGISTICS}: created 1 source" in text
    assert f"[2/3] {empty}: failed:" in text
    assert "Articles read: 2; sources created: 2" in text and "errors: 1" in text
    assert "\r" not in text
    assert set(Source.objects.values_list("language", flat=True)) == {"ko", "en"}


def test_progress_bar_on_a_terminal():
    out = TTY()
    run(LOGISTICS, str(ARTICLES / "english-release.txt"), "--program", "logistics", stdout=out)
    text = out.getvalue()
    assert "\r[###############...............] 1/2" in text and "\r[##############################] 2/2" in text
    assert "Articles read: 2" in text


def test_unknown_program():
    with pytest.raises(CommandError, match=r"No program with the slug 'nope' \(known: logistics\)"):
        run(LOGISTICS, "--program", "nope")


def test_missing_date_needs_published(tmp_path):
    no_date = str(ARTICLES / "no-date.txt")
    with pytest.raises(CommandError, match="--published YYYY-MM-DD"):
        run(no_date, "--program", "logistics")
    assert counts()[0] == 0
    run(no_date, "--program", "logistics", "--published", "2023-08-01")
    assert Source.objects.get().published_on.isoformat() == "2023-08-01"


def test_bad_published_value():
    with pytest.raises(CommandError, match="--published '13/04/2022' is not a date"):
        run(LOGISTICS, "--program", "logistics", "--published", "13/04/2022")


def test_fixture_output_loads(tmp_path):
    path = tmp_path / "out.json"
    out, _ = run(LOGISTICS, "--program", "logistics", "--dry-run", "--fixture", str(path))
    assert f"Fixture written to {path}" in out
    assert counts()[0] == 0
    call_command("loaddata", str(path), verbosity=0)
    call_command("loaddata", str(path), verbosity=0)
    assert (Source.objects.count(), Claim.objects.count()) == (1, 5)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        pytest.param("empty.txt", b"", "is empty", id="empty"),
        pytest.param("photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00", "PNG image, not text", id="binary"),
        pytest.param("broken.txt", "본문".encode() + b"\x80\xff" * 20, "save it as UTF-8", id="undecodable"),
        pytest.param("nav.html", b"<html><body><nav>menu</nav></body></html>", "Found no article", id="no-article"),
        pytest.param("huge.txt", None, r"20\.0 MB", id="twenty-megabytes"),
    ],
)
def test_bad_files(tmp_path, name, content, message):
    path = tmp_path / name
    if content is None:
        with path.open("wb") as f:
            f.truncate(20 * 1024 * 1024)
    else:
        path.write_bytes(content)
    before = counts()
    with pytest.raises(CommandError, match=message):
        run(str(path), "--program", "logistics")
    assert counts() == before


def test_url_to_loopback_is_refused():
    before = counts()
    with pytest.raises(CommandError, match=r"Refusing '127\.0\.0\.1'.*loopback"):
        run("http://127.0.0.1:9/article.html", "--program", "logistics")
    assert counts() == before


def test_seed_article_dry_run_json():
    if not SEED.exists():
        pytest.skip(f"{SEED} is not on this machine")
    call_command("loaddata", str(settings.BASE_DIR / "fixtures" / "gwangju_ai_cluster.json"), verbosity=0)
    before = counts()
    out, _ = run(str(SEED), "--program", "gwangju-ai-cluster", "--dry-run", "--format", "json")
    rows = {r["expression"]: r for r in json.loads(out)}
    assert counts() == before
    assert rows["올 연말"]["milestone"] == "국가AI데이터센터(데이터센터동) 건물 완공"
    assert (rows["올 연말"]["lo"], rows["올 연말"]["hi"], rows["올 연말"]["status"]) == (
        "2022-12-01",
        "2022-12-31",
        "planned",
    )
    assert (rows["내년 상반기"]["precision"], rows["내년 상반기"]["status"]) == ("half", "planned")
    groundbreaking = next(r for r in json.loads(out) if r["expression"] == "지난해" and "착공" in r["sentence"])
    assert groundbreaking["milestone"] == "AI 집적단지 착공식" and groundbreaking["status"] == "actual"
    assert groundbreaking["milestone_key"] == "groundbreaking-2021" and groundbreaking["new_draft"] is False
