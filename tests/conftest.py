import os
from pathlib import Path

import pytest

from tests.copied_rows import write_rows

GWANGJU_FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "gwangju_ai_cluster.json"

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """On SQLite, the test database is a file of this run's own, not Django's default in-memory one.

    With an in-memory database the live server's request threads and the test share one
    connection, and two requests at once (a search typed while the page still loads) can
    break it ("bad parameter or other API misuse"). With a file each thread opens its own
    connection, as the site does; SQLite's locking orders the writes.
    """
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        database.setdefault("TEST", {})["NAME"] = str(tmp_path_factory.mktemp("database") / "test.sqlite3")


def pytest_collection_modifyitems(config, items):
    """Browser tests start Chromium: slow by nature, so a quick run (`-m "not slow"`) leaves them out."""
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(pytest.mark.slow)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def empty_page_cache():
    """Each test starts with no cached pages: the cache lives in the process, which tests share."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def staff_client(client, django_user_model):
    user = django_user_model.objects.create_superuser(username="editor", email="", password="pw-editor-123")
    client.force_login(user)
    return client


@pytest.fixture
def logistics(db):
    """The program the logistics test articles (tests/articles/) are about: two events, a span and their phase."""
    from tests.factories import MilestoneFactory, ProgramFactory
    from timeline.models import MilestoneKind

    program = ProgramFactory(slug="logistics", name_ko="빛고을 스마트 물류 실증사업", name_en="Smart logistics pilot")
    for key, title, kind in (
        ("site-groundbreaking", "스마트 물류센터 착공", MilestoneKind.EVENT),
        ("building-completion", "물류센터 건물 완공", MilestoneKind.EVENT),
        ("operation", "물류센터 본격 운영", MilestoneKind.SPAN),
        ("pilot", "스마트 물류 실증사업 (전체 기간)", MilestoneKind.PHASE),
    ):
        MilestoneFactory(program=program, key=key, title_ko=title, kind=kind)
    return program


@pytest.fixture(scope="session")
def gwangju_rows(django_db_setup, django_db_blocker):
    """Every row that loading the Gwangju fixture writes, by model (history and schedules included).

    The fixture is loaded once per run, inside a transaction that is then rolled back; the
    `gwangju` fixture writes these rows back for each test that asks for it, which takes a
    fraction of loaddata's time (its natural-key lookups cost about 2 s a load).
    """
    from django.apps import apps
    from django.core.management import call_command
    from django.db import transaction

    models = apps.get_models(include_auto_created=True)
    with django_db_blocker.unblock(), transaction.atomic():
        before = {model: set(model._base_manager.values_list("pk", flat=True)) for model in models}
        call_command("loaddata", str(GWANGJU_FIXTURE), verbosity=0)
        rows = {
            model: [
                row
                for row in model._base_manager.order_by("pk").values()
                if row[model._meta.pk.attname] not in before[model]
            ]
            for model in models
        }
        transaction.set_rollback(True)
    return {model: model_rows for model, model_rows in rows.items() if model_rows}


@pytest.fixture
def gwangju(db, gwangju_rows):
    """The Gwangju program as loading the project's fixture leaves it (see `gwangju_rows`)."""
    from timeline.models import Program

    write_rows(gwangju_rows)
    return Program.objects.get(slug="gwangju-ai-cluster")


@pytest.fixture
def admin_editor(django_user_model):
    return django_user_model.objects.create_superuser(username="boss", email="", password="pw-boss-123")


@pytest.fixture
def app(django_app, admin_editor):
    """A browser without JavaScript (django-webtest), logged in as a superuser: forms go back as rendered."""
    django_app.set_user(admin_editor)
    return django_app
