import pytest

from tocsin.events import services
from tocsin.events.factories import SessionFactory


@pytest.fixture
def seats_at_once(monkeypatch):
    """Answers take their seat at once, however full the session: for tests of the seats and
    the waitlist themselves (test_confirm_by_mail.py tests when a mail is asked for first)."""
    monkeypatch.setattr(services, "needs_confirmation", lambda session, party=1: False)


@pytest.fixture
def session(db):
    return SessionFactory(capacity=3)


def form_data(**overrides) -> dict:
    return {
        "name": "Ana Díaz",
        "email": "ana@example.org",
        "postcode": "WC1E 7HY",
        "guests": "0",
        "tz": "",
        **overrides,
    }
