"""Bad input anywhere gets a 4xx or a clear error, never a 500, and leaves the database as it was.

Each case runs against the loaded Gwangju data; the whole database is serialised
before and after and compared, so "nothing half-written" is checked on content, not
only on counts.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.core import serializers
from django.core.management import call_command
from django.urls import reverse

from timeline.models import Claim, Milestone, Program, Source

pytestmark = pytest.mark.django_db
FIXTURE = settings.BASE_DIR / "fixtures" / "gwangju_ai_cluster.json"
TIMELINE = "/programs/gwangju-ai-cluster/"


@dataclass(frozen=True)
class Case:
    id: str
    run: Callable  # (client, tmp_path) -> HTTP response, or raises
    expect: str  # text the user sees in the response or the error


def snapshot() -> str:
    rows = [*Program.objects.all(), *Milestone.objects.all(), *Source.objects.all(), *Claim.objects.all()]
    return serializers.serialize("json", rows)


def command(*args):
    def run(client, tmp_path):
        call_command(*[a(tmp_path) if callable(a) else a for a in args], verbosity=0)

    return run


def file_with(name: str, content: bytes):
    def make(tmp_path):
        path = tmp_path / name
        path.write_bytes(content)
        return str(path)

    return make


def fixture_with(change: Callable[[list], None]):
    def make(tmp_path):
        rows = json.loads(FIXTURE.read_text(encoding="utf-8"))
        change(rows)
        path = tmp_path / "bad_fixture.json"
        path.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
        return str(path)

    return make


def first(rows, model):
    return next(r for r in rows if r["model"] == model)


def get(path, **params):
    return lambda client, tmp_path: client.get(path, params)


def get_raw(query: str):
    return lambda client, tmp_path: client.get(f"{TIMELINE}?{query}")


def post(url_name, data_fn, *args):
    def run(client, tmp_path):
        url = reverse(url_name, args=[a() if callable(a) else a for a in args])
        data = {k: v() if callable(v) else v for k, v in data_fn().items()}
        return client.post(url, data)

    return run


def claim_form(**overrides):
    def data():
        milestone = Milestone.objects.get(key="dc-building-completion")
        source = Source.objects.first()
        return {
            "milestone": milestone.pk,
            "source": source.pk,
            "field": "event",
            "status": "planned",
            "when": "2023-H1",
            "expression": "내년 상반기",
            "stated_on": "2022-04-13",
            **overrides,
        }

    return data


def building_form(**overrides):
    """The data centre building's admin form as it stands, with `overrides`."""

    def data():
        m = Milestone.objects.get(key="dc-building-completion")
        return {
            "program": m.program_id,
            "key": m.key,
            "kind": m.kind,
            "parent": m.parent_id or "",
            "position": m.position,
            "title_ko": m.title_ko,
            "title_en": m.title_en,
            "summary": m.summary,
            "edit_version": m.edit_version,
            "claims-TOTAL_FORMS": "0",
            "claims-INITIAL_FORMS": "0",
            **overrides,
        }

    return data


def milestone_form(**overrides):
    def data():
        m = Milestone.objects.get(key="dc-service-start")
        return {
            "program": m.program_id,
            "key": m.key,
            "kind": m.kind,
            "parent": m.parent_id or "",
            "position": m.position,
            "title_ko": m.title_ko,
            "title_en": m.title_en,
            "summary_ko": "",
            "claims-TOTAL_FORMS": "0",
            "claims-INITIAL_FORMS": "0",
            **overrides,
        }

    return data


def source_form(**overrides):
    def data():
        return {
            "kind": "news",
            "citation": "new source",
            "url": "https://example.org/new",
            "publisher": "x",
            "language": "ko",
            "claims-TOTAL_FORMS": "0",
            "claims-INITIAL_FORMS": "0",
            **overrides,
        }

    return data


def duplicate_source_urls(rows):
    sources = [r for r in rows if r["model"] == "timeline.source" and r["fields"]["url"]]
    sources[1]["fields"]["url"] = sources[0]["fields"]["url"]


def a_known_url():
    return Source.objects.exclude(url="").first().url


def service_start_pk():
    return Milestone.objects.get(key="dc-service-start").pk


def import_form(**data):
    def run(client, tmp_path):
        program = Program.objects.get(slug="gwangju-ai-cluster")
        return client.post(reverse("admin:timeline_claim_import"), {"program": program.pk, **data})

    return run


def review_post(management=True, **fields):
    """A review POST about one claim (row 0 of the formset), made unreviewed for the request (and reviewed again
    after); `fields` replace the row's fields (``pk``, ``version``, ``when``…) or, without `management`, go without
    the formset's management form."""

    def run(client, tmp_path):
        claim = Claim.objects.filter(reviewed=True).order_by("pk").first()
        Claim.objects.filter(pk=claim.pk).update(reviewed=False)
        try:
            row = {
                "pk": str(claim.pk),
                "version": str(claim.edit_version),
                "selected": "on",
                "when": "2023-H1",
                "milestone": str(claim.milestone_id),
                "field": claim.field,
                "status": claim.status,
                **fields,
            }
            data = {"action": "save", **{f"review-0-{name}": value for name, value in row.items()}}
            if management:
                data.update({"review-TOTAL_FORMS": "1", "review-INITIAL_FORMS": "1"})
            return client.post(reverse("admin:timeline_claim_review"), data)
        finally:
            Claim.objects.filter(pk=claim.pk).update(reviewed=True)

    return run


def review_total_forms(total: str):
    """A review POST whose management form claims `total` rows."""

    def run(client, tmp_path):
        data = {"action": "save", "review-TOTAL_FORMS": total, "review-INITIAL_FORMS": "0"}
        return client.post(reverse("admin:timeline_claim_review"), data)

    return run


def admin_get(url_name, *args, **params):
    def run(client, tmp_path):
        return client.get(reverse(url_name, args=[a() if callable(a) else a for a in args]), params)

    return run


NO_DATE_ARTICLE = "\n".join(
    [
        "데이터센터 완공 늦어져",
        "",
        "데이터센터 건물은 내년 상반기에 완공할 예정이다.",
        "시험 운영을 거쳐 서비스를 시작한다.",
    ]
).encode()
BIG = b"\xea\xb0\x80" * (7 * 1024 * 1024)  # 21 MB of '가'
EDGE_ARTICLE = (
    "데이터센터 건물은 내년 상반기 완공할 예정이다. 지난해 착공했고 다음 달 개소하며 지난주 장비 설치를 마쳤다."
)

CASES = [
    # --- the importer ----------------------------------------------------------------
    Case(
        "import-empty-file",
        command("import_article", file_with("empty.txt", b""), "--program", "gwangju-ai-cluster"),
        "empty",
    ),
    Case(
        "import-binary-file",
        command(
            "import_article", file_with("x.txt", b"\x89PNG\r\n\x1a\n" + bytes(200)), "--program", "gwangju-ai-cluster"
        ),
        "not text",
    ),
    Case(
        "import-20mb-file",
        command("import_article", file_with("big.txt", BIG), "--program", "gwangju-ai-cluster"),
        "MB",
    ),
    Case(
        "import-undecodable",
        command(
            "import_article",
            file_with("bad.txt", b"\x41\xff\xff\x41 " * 300),
            "--program",
            "gwangju-ai-cluster",
        ),
        "not valid text",
    ),
    Case(
        "import-html-without-article",
        command(
            "import_article",
            file_with("a.html", b"<html><body><nav>menu</nav></body></html>"),
            "--program",
            "gwangju-ai-cluster",
        ),
        "article",
    ),
    Case(
        "import-no-date",
        command(
            "import_article",
            file_with(
                "nodate.txt",
                NO_DATE_ARTICLE,
            ),
            "--program",
            "gwangju-ai-cluster",
        ),
        "--published",
    ),
    Case(
        "import-unknown-program",
        command(
            "import_article",
            file_with("a.txt", "제목\n2022년 04월 13일\n본문".encode()),
            "--program",
            "no-such-program",
        ),
        "no-such-program",
    ),
    Case(
        "import-url-loopback",
        command("import_article", "http://127.0.0.1:8000/x", "--program", "gwangju-ai-cluster"),
        "127.0.0.1",
    ),
    Case(
        "import-url-private",
        command("import_article", "http://10.0.0.1/x", "--program", "gwangju-ai-cluster"),
        "10.0.0.1",
    ),
    Case(
        "import-url-file-scheme",
        command("import_article", "file:///etc/passwd", "--program", "gwangju-ai-cluster"),
        "passwd",
    ),
    Case(
        "import-bad-published",
        command(
            "import_article",
            file_with("a.txt", "제목\n본문".encode()),
            "--program",
            "gwangju-ai-cluster",
            "--published",
            "2022-13-45",
        ),
        "YYYY-MM-DD",
    ),
    Case("admin-import-empty-paste", import_form(text="   "), "한 가지 방법으로만"),
    Case("admin-import-url-loopback", import_form(url="http://127.0.0.1/"), "127.0.0.1"),
    # A publication date at the edge of the calendar: "내년"/"지난해" would leave it. The preview writes nothing.
    Case(
        "admin-import-published-9999",
        import_form(text=EDGE_ARTICLE, published="9999-12-31"),
        "9999",
    ),
    Case(
        "admin-import-published-year-1",
        import_form(text=EDGE_ARTICLE, published="0001-01-01"),
        "0001",
    ),
    Case(
        "admin-import-dateline-9999",
        import_form(text="시험 기사\n입력 9999-12-31 10:00\n\n" + EDGE_ARTICLE),
        "9999",
    ),
    # --- admin forms -----------------------------------------------------------------
    Case("claim-ends-before-start", post("admin:timeline_claim_add", claim_form(when="2024/2020")), "ends"),
    Case("claim-10k-date", post("admin:timeline_claim_add", claim_form(when="2" * 10_000)), "id_when_error"),
    Case("claim-nul-in-expression", post("admin:timeline_claim_add", claim_form(expression="a\x00b")), "Null"),
    Case("claim-missing-milestone", post("admin:timeline_claim_add", claim_form(milestone="999999")), "id_milestone"),
    Case("claim-garbage-stated-on", post("admin:timeline_claim_add", claim_form(stated_on="garbage")), "id_stated_on"),
    Case(
        "milestone-own-phase",
        post("admin:timeline_milestone_change", milestone_form(parent=service_start_pk), service_start_pk),
        "id_parent",
    ),
    Case("milestone-duplicate-key", post("admin:timeline_milestone_add", milestone_form(key="phase-1")), "key"),
    Case(
        "milestone-bad-kind",
        post("admin:timeline_milestone_change", milestone_form(kind="epic"), service_start_pk),
        "id_kind",
    ),
    Case("source-duplicate-url", post("admin:timeline_source_add", source_form(url=a_known_url)), "URL"),
    Case("source-javascript-url", post("admin:timeline_source_add", source_form(url="javascript:alert(1)")), "id_url"),
    Case(
        "program-slug-with-spaces",
        post(
            "admin:timeline_program_add",
            lambda: {"slug": "a b", "name_ko": "x", "milestones-TOTAL_FORMS": "0", "milestones-INITIAL_FORMS": "0"},
        ),
        "id_slug",
    ),
    # --- dependencies ----------------------------------------------------------------
    Case(
        "milestone-own-predecessor",
        post("admin:timeline_milestone_change", milestone_form(predecessors=service_start_pk), service_start_pk),
        "errorlist",
    ),
    Case(
        "milestone-predecessor-unknown-id",
        post("admin:timeline_milestone_change", milestone_form(predecessors="999999"), service_start_pk),
        "errorlist",
    ),
    Case(
        "milestone-predecessor-cycle",
        post(
            "admin:timeline_milestone_change",
            building_form(predecessors=service_start_pk),
            lambda: Milestone.objects.get(key="dc-building-completion").pk,
        ),
        "순환",
    ),
    Case("deps-markup", get(TIMELINE, deps="<script>alert(1)</script>"), "milestones"),
    Case("feed-unknown-program", get("/programs/nope/feed.atom"), "Not Found"),
    # --- admin lists, the review screen and history ids --------------------------------
    Case("admin-list-phase-abc", admin_get("admin:timeline_milestone_changelist", phase="abc"), ""),
    Case("admin-list-phase-superscript", admin_get("admin:timeline_milestone_changelist", phase="²"), ""),
    Case("admin-list-program-abc", admin_get("admin:timeline_milestone_changelist", program__id__exact="abc"), ""),
    Case("admin-list-status-unknown", admin_get("admin:timeline_milestone_changelist", status="<b>"), ""),
    Case("admin-claims-reviewed-maybe", admin_get("admin:timeline_claim_changelist", reviewed__exact="maybe"), ""),
    Case("admin-sources-bad-date", admin_get("admin:timeline_source_changelist", published_on__year="²"), ""),
    Case("review-source-superscript", admin_get("admin:timeline_claim_review", source="²"), "출처 번호"),
    Case("review-source-huge", admin_get("admin:timeline_claim_review", source="9" * 20), "출처 번호"),
    Case("review-claim-superscript", review_post(pk="²"), "주장 번호"),
    Case("review-claim-huge", review_post(pk="9" * 19), "주장 번호"),
    Case("review-milestone-superscript", review_post(milestone="²"), "같은 사업의 마일스톤"),
    Case("review-version-superscript", review_post(version="²"), "새로 고쳐"),
    Case("review-version-huge", review_post(version="9" * 30), "새로 고쳐"),
    Case("review-no-management-form", review_post(management=False), "ManagementForm"),
    Case("review-total-forms-superscript", review_total_forms("²"), "ManagementForm"),
    Case("review-too-many-forms", review_total_forms("100000"), "200"),
    Case("history-id-abc", lambda client, tmp_path: client.get("/admin/timeline/milestone/abc/history/"), ""),
    Case(
        "history-version-abc",
        lambda client, tmp_path: client.get(f"/admin/timeline/milestone/{service_start_pk()}/history/abc/"),
        "",
    ),
    Case(
        "history-version-superscript-post",
        lambda client, tmp_path: client.post(f"/admin/timeline/claim/{Claim.objects.first().pk}/history/²/", {}),
        "",
    ),
    # --- query parameters ------------------------------------------------------------
    Case("as-of-garbage", get(TIMELINE, as_of="garbage"), 'class="notice"'),
    Case("phase-unknown", get(TIMELINE, phase="abc"), 'class="notice"'),
    Case("status-markup", get(TIMELINE, status="<script>alert(1)</script>"), 'class="notice"'),
    Case("search-10k", get(TIMELINE, q="가" * 10_000), "milestones"),
    Case("search-nul", get(TIMELINE, q="데이터\x00센터"), "milestones"),
    Case("invalid-utf8-query", get_raw("q=%ff%fe%fd&as_of=%c3%28"), "milestones"),
    Case("panel-as-of-garbage", get(f"{TIMELINE}milestones/dc-building-completion/", as_of="2022-02-31"), "claims"),
    Case("unknown-program", get("/programs/nope/"), "Not Found"),
    Case("unknown-milestone", get(f"{TIMELINE}milestones/{'가' * 300}/"), "Not Found"),
    # --- fixture files ---------------------------------------------------------------
    Case(
        "fixture-lo-after-hi",
        command("loaddata", fixture_with(lambda rows: first(rows, "timeline.claim")["fields"].update(lo="2030-01-01"))),
        "claim",
    ),
    Case(
        "fixture-missing-milestone",
        command(
            "loaddata",
            fixture_with(
                lambda rows: first(rows, "timeline.claim")["fields"].update(milestone=["gwangju-ai-cluster", "nope"])
            ),
        ),
        "milestone",
    ),
    Case(
        "fixture-unknown-precision",
        command(
            "loaddata", fixture_with(lambda rows: first(rows, "timeline.claim")["fields"].update(precision="fortnight"))
        ),
        "claim",
    ),
    Case(
        "fixture-not-json",
        command("loaddata", file_with("broken.json", b'[{"model": "timeline.program", ')),
        "broken.json",
    ),
    Case("fixture-duplicate-url", command("loaddata", fixture_with(duplicate_source_urls)), "url"),
]


@pytest.fixture
def loaded(staff_client, gwangju):
    return staff_client


def test_there_are_at_least_thirty_cases():
    assert len(CASES) >= 30
    assert len({c.id for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id) for c in CASES])
def test_bad_input_is_refused_clearly_and_changes_nothing(loaded, tmp_path, case):
    before = snapshot()
    loaded.raise_request_exception = False
    try:
        response = case.run(loaded, tmp_path)
    except Exception as exc:  # a command's error: it must say what is wrong
        message = str(exc)
        assert case.expect.lower() in message.lower(), message
    else:
        assert response is not None
        assert 200 <= response.status_code < 500, response.status_code
        if response.status_code != 302:
            assert case.expect.lower() in response.content.decode().lower()
    assert snapshot() == before
