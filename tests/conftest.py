import os
from pathlib import Path

import pytest

GWANGJU_FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "gwangju_ai_cluster.json"

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


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


@pytest.fixture
def gwangju(db):
    """The Gwangju program, loaded from the project's fixture."""
    from django.core.management import call_command

    from timeline.models import Program

    call_command("loaddata", str(GWANGJU_FIXTURE), verbosity=0)
    return Program.objects.get(slug="gwangju-ai-cluster")


@pytest.fixture
def admin_editor(django_user_model):
    return django_user_model.objects.create_superuser(username="boss", email="", password="pw-boss-123")


@pytest.fixture
def app(django_app, admin_editor):
    """A browser without JavaScript (django-webtest), logged in as a superuser: forms go back as rendered."""
    django_app.set_user(admin_editor)
    return django_app
