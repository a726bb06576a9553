import pytest
from django.db import OperationalError
from django.test import override_settings

from tests.factories import ProgramFactory
from timeline.models import MilestoneQuerySet

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_raise(client):
    client.raise_request_exception = False
    return client


@override_settings(DEBUG=False)
def test_database_down_is_a_503_that_says_so(no_raise, monkeypatch):
    program = ProgramFactory()

    def refuse(self, program):
        raise OperationalError('connection to server at "127.0.0.1", port 5432 failed: Connection refused')

    monkeypatch.setattr(MilestoneQuerySet, "for_timeline", refuse)
    response = no_raise.get(program.get_absolute_url())
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    assert "Temporarily unavailable" in response.content.decode()


@override_settings(DEBUG=False)
def test_other_errors_stay_a_500(no_raise, monkeypatch):
    program = ProgramFactory()

    def broken(self, program):
        raise ValueError("a bug")

    monkeypatch.setattr(MilestoneQuerySet, "for_timeline", broken)
    response = no_raise.get(program.get_absolute_url())
    assert response.status_code == 500
    assert "Server error" in response.content.decode()
