"""Admin logins are rate limited (django-axes): 5 failures for a username from an IP lock that pair out."""

import datetime as dt

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db

LOGIN = reverse("admin:login")
INDEX = reverse("admin:index")


@pytest.fixture
def users(django_user_model):
    django_user_model.objects.create_superuser(username="editor", email="", password="pw-editor-123")
    django_user_model.objects.create_superuser(username="other", email="", password="pw-other-123")


def attempt(client, username, password, ip="203.0.113.7"):
    return client.post(LOGIN, {"username": username, "password": password, "next": INDEX}, REMOTE_ADDR=ip)


def fail(client, username, times, ip="203.0.113.7"):
    for _ in range(times):
        response = attempt(client, username, "wrong-password", ip)
        assert response.status_code in {200, 429}


def is_logged_in(client) -> bool:
    return client.get(INDEX).status_code == 200


def test_the_settings():
    assert settings.AXES_FAILURE_LIMIT == 5
    assert dt.timedelta(minutes=15) == settings.AXES_COOLOFF_TIME
    assert settings.AXES_RESET_ON_SUCCESS is True


def test_four_failures_still_let_the_right_password_in(users):
    client = Client()
    fail(client, "editor", 4)
    response = attempt(client, "editor", "pw-editor-123")
    assert response.status_code == 302 and response["Location"] == INDEX
    assert is_logged_in(client)


def test_five_failures_lock_the_username_out_even_with_the_right_password(users):
    client = Client()
    for n in range(4):
        assert attempt(client, "editor", f"wrong-{n}").status_code == 200  # the login form again
    locked = attempt(client, "editor", "wrong-4")
    assert locked.status_code == 429
    response = attempt(client, "editor", "pw-editor-123")
    assert response.status_code == 429
    text = response.content.decode()
    assert "로그인이 거부되었습니다" in text and "15분 뒤에 다시 시도하세요" in text  # Korean by default
    assert not is_logged_in(client)


LOCKOUT_TEXT = {
    "ko": [
        "<title>로그인 실패 횟수 초과 |",
        "로그인이 거부되었습니다: 지금 접속한 주소에서 이 계정으로 로그인에 5번 실패했습니다.",
        "15분 뒤에 다시 시도하세요. 그때까지는 비밀번호가 맞더라도 모든 로그인 시도가 거부됩니다.",
        "로그인 페이지로 돌아가기",
    ],
    "en": [
        "<title>Too many failed logins |",
        "Login refused: 5 failed login attempts for this account from your address.",
        "Try again in 15 minutes; until then every attempt is refused, even with the right password.",
        "Back to the login page",
    ],
}


@pytest.mark.parametrize(("language", "other"), [("ko", "en"), ("en", "ko")])
def test_the_lockout_page_speaks_the_interface_language(users, language, other):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    fail(client, "editor", 5)
    response = attempt(client, "editor", "pw-editor-123")
    assert response.status_code == 429
    text = response.content.decode()
    for wanted in LOCKOUT_TEXT[language]:
        assert wanted in text
    for unwanted in LOCKOUT_TEXT[other]:
        assert unwanted not in text


def test_without_a_cool_off_the_page_sends_editors_to_an_administrator(users, settings):
    settings.AXES_COOLOFF_TIME = None
    client = Client()
    fail(client, "editor", 5)
    text = attempt(client, "editor", "pw-editor-123").content.decode()
    assert "관리자에게 계정 잠금 해제를 요청하세요." in text and "분 뒤에" not in text


def test_another_user_from_the_same_address_is_not_locked(users):
    fail(Client(), "editor", 5)
    client = Client()
    assert attempt(client, "other", "pw-other-123").status_code == 302
    assert is_logged_in(client)


def test_the_same_user_from_another_address_is_not_locked(users):
    fail(Client(), "editor", 5, ip="203.0.113.7")
    client = Client()
    assert attempt(client, "editor", "pw-editor-123", ip="198.51.100.2").status_code == 302


def test_a_successful_login_resets_the_count(users):
    client = Client()
    fail(client, "editor", 4)
    assert attempt(client, "editor", "pw-editor-123").status_code == 302
    client.logout()
    fail(client, "editor", 4)
    assert attempt(client, "editor", "pw-editor-123").status_code == 302


def test_the_lockout_ends_after_the_cool_off(users):
    from axes.models import AccessAttempt

    client = Client()
    fail(client, "editor", 5)
    assert attempt(client, "editor", "pw-editor-123").status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - dt.timedelta(minutes=16))
    assert attempt(client, "editor", "pw-editor-123").status_code == 302
