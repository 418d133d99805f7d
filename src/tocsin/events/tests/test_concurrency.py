"""200 people answer at once for 50 seats, each from their own thread and database connection:
exactly 50 get a seat and 150 wait, on SQLite and on PostgreSQL alike."""

import threading

import pytest
from django.db import connection, connections

from tocsin.events import services
from tocsin.events.factories import SessionFactory
from tocsin.events.models import Rsvp, Session

PEOPLE = 200
SEATS = 50
THREADS = 20  # each with its own connection, well under PostgreSQL's connection limit


@pytest.mark.usefixtures("seats_at_once")
@pytest.mark.django_db(transaction=True)
def test_200_answers_at_once_for_50_seats_never_overbook():
    if connection.vendor == "sqlite":
        # Threads each open their own connection: the test database must be a file.
        assert "memory" not in str(connection.settings_dict["NAME"])
    session = SessionFactory(capacity=SEATS, event__max_guests=0)
    start = threading.Barrier(THREADS)
    errors = []

    def answer_for(numbers):
        try:
            start.wait()
            for number in numbers:
                services.rsvp(
                    Session.objects.select_related("event").get(pk=session.pk),
                    name=f"Person {number}",
                    email=f"person{number}@example.org",
                    postcode="",
                    guests=0,
                    consents=[],
                    language="en",
                )
        except Exception as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=answer_for, args=(range(n, PEOPLE, THREADS),))
        for n in range(THREADS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert Rsvp.objects.count() == PEOPLE
    assert Rsvp.objects.confirmed().count() == SEATS
    assert Rsvp.objects.waitlisted().count() == PEOPLE - SEATS
    assert Session.objects.get(pk=session.pk).seats_taken == SEATS


@pytest.mark.usefixtures("seats_at_once")
@pytest.mark.django_db(transaction=True)
def test_cancellations_at_once_hand_each_seat_to_exactly_one_waiting_person():
    session = SessionFactory(capacity=10, event__max_guests=0)
    answers = [
        services.rsvp(
            session,
            name=f"P{n}",
            email=f"p{n}@example.org",
            postcode="",
            guests=0,
            consents=[],
            language="en",
        ).rsvp
        for n in range(30)
    ]
    leaving = [a for a in answers if a.status == "confirmed"][:8]
    start = threading.Barrier(len(leaving))
    errors = []

    def cancel(answer):
        try:
            start.wait()
            services.cancel(answer)
            services.cancel(answer)  # pressed twice
        except Exception as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=cancel, args=(a,)) for a in leaving]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert Rsvp.objects.confirmed().count() == 10
    assert Session.objects.get(pk=session.pk).seats_taken == 10
    # The eight promoted are the first eight who were waiting, in order.
    promoted = set(Rsvp.objects.confirmed().values_list("email", flat=True)) - {
        a.email for a in answers[:10]
    }
    assert promoted == {f"p{n}@example.org" for n in range(10, 18)}
