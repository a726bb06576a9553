"""Every admin write path checks the matching model permission.

Each path's form is rendered for a superuser (as the page really holds it), then
submitted by each kind of user. A path may write only for a user who holds every
permission it needs; for everyone else every row of every timeline table and of their
history tables is the same after the POST as before, and the answer is never a 500.
"""

import datetime as dt
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.urls import reverse
from webtest import Upload

from tests.factories import ClaimFactory, MilestoneFactory, SourceFactory
from tests.html_forms import row_of
from timeline.models import Claim, Milestone, Program, Source

pytestmark = pytest.mark.django_db

MODELS = [Program, Milestone, Source, Claim]


def snapshot() -> dict:
    tables = [*MODELS, *(m.history.model for m in MODELS), Milestone.predecessors.through]
    return {t._meta.label: list(t._base_manager.order_by("pk").values()) for t in tables}


@pytest.fixture
def world(db):
    milestone = MilestoneFactory(kind="event")
    program = milestone.program
    claim = ClaimFactory(milestone=milestone, reviewed=False, field="event")
    reviewed = ClaimFactory(milestone=milestone, field="event", lo=dt.date(2023, 1, 1), hi=dt.date(2023, 1, 31))
    spare_source = SourceFactory()
    gone = ClaimFactory(milestone=milestone, field="event", expression="사라진 주장")
    gone_id, gone_record = gone.pk, gone.history.earliest().history_id
    gone.delete()
    milestone.title_en = "Renamed once"
    milestone.save()
    reviewed.expression = "고친 표현"
    reviewed.save()
    Milestone.objects.filter(pk=milestone.pk).update(schedule={})  # stale: a refresh has something to write
    return {
        "program": program,
        "milestone": milestone,
        "claim": claim,
        "reviewed": reviewed,
        "source": claim.source,
        "spare_source": spare_source,
        "gone": (gone_id, gone_record),
    }


def url(model, view, *args):
    return reverse(f"admin:timeline_{model}_{view}", args=args)


@dataclass(frozen=True)
class Path:
    id: str
    needs: frozenset[str]
    form: callable  # (superuser app, world) -> (url, fields)


def page_form(page_url, form_id, fill=None, button=None):
    def build(app, w):
        target = page_url(w) if callable(page_url) else page_url
        form = app.get(target).forms[form_id]
        if fill:
            fill(form, w)
        return target, form.submit_fields(button)

    return build


def fill(**values):
    def apply(form, w):
        for name, value in values.items():
            value = value(w) if callable(value) else value
            if name.startswith("!"):
                form[name[1:]].force_value(value)
            else:
                form[name] = value

    return apply


def tick(name, value):
    def apply(form, w):
        wanted = str(value(w))
        for i, box in enumerate(form.fields[name]):
            if box._value == wanted:
                form.get(name, index=i).checked = True

    return apply


def both(*steps):
    def apply(form, w):
        for step in steps:
            step(form, w)

    return apply


def action(model, name, pick):
    return page_form(
        url(model, "changelist"),
        "changelist-form",
        both(fill(action=name), tick("_selected_action", pick)),
        "index",
    )


def delete_selected_confirmed(app, w):
    changelist = url("claim", "changelist")
    form = app.get(changelist).forms["changelist-form"]
    form["action"] = "delete_selected"
    tick("_selected_action", lambda w: w["reviewed"].pk)(form, w)
    confirmation = form.submit("index")
    return changelist, confirmation.forms[-1 if -1 in confirmation.forms else 1].submit_fields()


def delete_page(model, key):
    def build(app, w):
        target = url(model, "delete", w[key].pk)
        page = app.get(target)
        form = next(f for f in page.forms.values() if "post" in f.fields)
        return target, form.submit_fields()

    return build


def revert(model, key):
    def build(app, w):
        obj = w[key]
        record = obj.history.earliest()
        target = reverse(f"admin:timeline_{model}_simple_history", args=[obj.pk, record.history_id])
        return target, app.get(target).forms[f"historical{model}_form"].submit_fields()

    return build


def restore_gone(app, w):
    pk, record = w["gone"]
    target = reverse("admin:timeline_claim_simple_history", args=[pk, record])
    return target, app.get(target).forms["historicalclaim_form"].submit_fields()


def import_confirm(app, w):
    form = next(f for f in app.get(url("claim", "import")).forms.values() if "text" in f.fields)
    form["program"] = str(w["program"].pk)
    form["file"] = Upload(str(settings.BASE_DIR / "tests" / "articles" / "binhae-daily-logistics.txt"))
    preview = form.submit()
    confirm = next(f for f in preview.forms.values() if "article" in f.fields)
    return url("claim", "import_confirm"), confirm.submit_fields()


def review(act, **rows):
    def build(app, w):
        target = url("claim", "review")
        form = app.get(target).forms["review-form"]
        row = row_of(form, w["claim"])
        form[f"{row}-selected"] = True
        for name, value in rows.items():
            form[f"{row}-{name}"] = value
        if act == "reject":
            return target, form.submit("action", value=act).forms["reject-form"].submit_fields()
        return target, [*form.submit_fields(), ("action", act)]

    return build


def inline_program(form, w):
    form["milestones-0-title_en"] = "Edited in the program page"


P = frozenset
PATHS = [
    Path(
        "add-program",
        P({"add_program"}),
        page_form(url("program", "add"), "program_form", fill(slug="p-new", name_ko="새 사업"), "_save"),
    ),
    Path(
        "add-milestone",
        P({"add_milestone"}),
        page_form(
            url("milestone", "add"),
            "milestone_form",
            fill(program=lambda w: str(w["program"].pk), key="new-one", kind="event", title_ko="새 일"),
            "_save",
        ),
    ),
    Path(
        "add-source",
        P({"add_source"}),
        page_form(url("source", "add"), "source_form", fill(citation="새 출처"), "_save"),
    ),
    Path(
        "add-claim",
        P({"add_claim"}),
        page_form(
            url("claim", "add"),
            "claim_form",
            fill(
                **{
                    "!milestone": lambda w: str(w["milestone"].pk),
                    "!source": lambda w: str(w["source"].pk),
                    "field": "event",
                    "status": "planned",
                    "when": "2025-H2",
                }
            ),
            "_save",
        ),
    ),
    Path(
        "change-program",
        P({"change_program"}),
        page_form(
            lambda w: url("program", "change", w["program"].pk), "program_form", fill(agency="바뀐 기관"), "_save"
        ),
    ),
    Path(
        "change-milestone",
        P({"change_milestone"}),
        page_form(
            lambda w: url("milestone", "change", w["milestone"].pk),
            "milestone_form",
            fill(title_ko="바뀐 제목"),
            "_save",
        ),
    ),
    Path(
        "change-source",
        P({"change_source"}),
        page_form(lambda w: url("source", "change", w["source"].pk), "source_form", fill(title="바뀐 제목"), "_save"),
    ),
    Path(
        "change-claim",
        P({"change_claim"}),
        page_form(lambda w: url("claim", "change", w["claim"].pk), "claim_form", fill(when="2026년 상반기"), "_save"),
    ),
    Path(
        "delete-program", P({"delete_program", "delete_milestone", "delete_claim"}), delete_page("program", "program")
    ),
    Path("delete-milestone", P({"delete_milestone", "delete_claim"}), delete_page("milestone", "milestone")),
    Path("delete-source", P({"delete_source"}), delete_page("source", "spare_source")),
    Path("delete-claim", P({"delete_claim"}), delete_page("claim", "claim")),
    Path(
        "inline-add-claim",
        P({"change_milestone", "add_claim"}),
        page_form(
            lambda w: url("milestone", "change", w["milestone"].pk),
            "milestone_form",
            fill(
                **{
                    "!claims-2-source": lambda w: str(w["source"].pk),
                    "claims-2-field": "event",
                    "claims-2-status": "actual",
                    "claims-2-when": "2024-05-02",
                }
            ),
            "_save",
        ),
    ),
    Path(
        "inline-delete-claim",
        P({"change_milestone", "delete_claim"}),
        page_form(
            lambda w: url("milestone", "change", w["milestone"].pk),
            "milestone_form",
            fill(**{"claims-0-DELETE": True}),
            "_save",
        ),
    ),
    Path(
        "inline-edit-milestone",
        P({"change_program", "change_milestone"}),
        page_form(lambda w: url("program", "change", w["program"].pk), "program_form", inline_program, "_save"),
    ),
    Path("revert-milestone", P({"change_milestone"}), revert("milestone", "milestone")),
    Path("revert-claim", P({"change_claim"}), revert("claim", "reviewed")),
    Path("restore-deleted-claim", P({"change_claim", "add_claim"}), restore_gone),
    Path("action-mark-reviewed", P({"change_claim"}), action("claim", "mark_reviewed", lambda w: w["claim"].pk)),
    Path(
        "action-refresh-schedules",
        P({"change_milestone"}),
        action("milestone", "refresh_selected", lambda w: w["milestone"].pk),
    ),
    Path("action-delete-claims", P({"delete_claim"}), delete_selected_confirmed),
    Path("import-article", P({"add_claim"}), import_confirm),
    Path("review-accept", P({"change_claim"}), review("accept")),
    Path("review-save", P({"change_claim"}), review("save", when="2027-Q1")),
    Path("review-reject", P({"change_claim", "delete_claim"}), review("reject")),
]

VIEW = {f"view_{m._meta.model_name}" for m in MODELS}
CHANGE = {f"change_{m._meta.model_name}" for m in MODELS}
USERS = {
    "anonymous": None,
    "staff-without-permissions": set(),
    "view-only": VIEW,
    "change-only": CHANGE,
    "superuser": "all",
}


def make_user(django_user_model, kind):
    perms = USERS[kind]
    if perms is None:
        return None
    if perms == "all":
        return django_user_model.objects.create_superuser(username="root2", email="", password="pw-root2-123")
    user = django_user_model.objects.create_user(username=kind, password="pw-user-123", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="timeline", codename__in=perms))
    return user


def allowed(kind, needs) -> bool:
    perms = USERS[kind]
    return perms == "all" or (bool(perms) and needs <= perms)


def test_the_matrix_covers_every_write_path():
    assert len(PATHS) * len(USERS) >= 125
    assert len({p.id for p in PATHS}) == len(PATHS)


@pytest.mark.parametrize("kind", list(USERS))
@pytest.mark.parametrize("path", [pytest.param(p, id=p.id) for p in PATHS])
def test_write_path_needs_its_permission(django_app_factory, django_user_model, world, path, kind):
    # One browser: the page is rendered for a superuser, then the same fields are sent as
    # `kind` (a fresh session; CSRF is not what is tested here, so its check is off).
    client = django_app_factory(csrf_checks=False)
    client.set_user(django_user_model.objects.create_superuser(username="renders", email="", password="pw-r-123"))
    target, fields = path.form(client, world)
    user = make_user(django_user_model, kind)
    client.reset()
    client.set_user(user)
    before = snapshot()
    response = client.post(target, params=fields, expect_errors=True)
    assert response.status_code < 500, response.text[:2000]
    after = snapshot()
    if allowed(kind, path.needs):
        assert after != before, f"{kind} may {path.id}: the POST should have written ({response.status_code})"
    else:
        changed = {label for label in before if before[label] != after[label]}
        assert changed == set(), f"{kind} wrote through {path.id}: {changed}"
        if kind == "view-only":
            assert response.status_code in (302, 403) or "errornote" not in response.text
