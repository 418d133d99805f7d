import pytest

from tocsin.events.factories import SessionFactory


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
