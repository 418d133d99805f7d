"""A page of people costs the same few queries however many people there are and however
deep the page: one count, one page of rows (its ids found first), one query for their
consents and one for their tags. On PostgreSQL the count and the page's ids are read from
a partial index of known people alone (supporters' known_count and known_by_id)."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tocsin.supporters.factories import ConsentFactory, SupporterFactory
from tocsin.supporters.models import Tag, Tagging

pytestmark = pytest.mark.django_db

V1 = "/api/v1"


@pytest.fixture
def crowd(org):
    tags = [Tag.objects.create(organization=org, name=name) for name in ("red", "blue")]
    people = []
    for _ in range(30):
        person = ConsentFactory(supporter=SupporterFactory(organization=org)).supporter
        Tagging.objects.bulk_create(Tagging(supporter=person, tag=tag) for tag in tags)
        people.append(person)
    SupporterFactory.create_batch(3, organization=org)  # never confirmed: not listed
    return sorted(people, key=lambda p: p.pk)


def people_queries(api, page: int) -> tuple[dict, list[str]]:
    api.get(f"{V1}/")  # the key's last use is written once a minute: not in what is counted
    with CaptureQueriesContext(connection) as captured:
        answer = api.get(f"{V1}/people", {"per_page": 10, "page": page})
    assert answer.status_code == 200
    return answer.json(), [q["sql"] for q in captured.captured_queries]


def test_every_page_costs_the_same_few_queries(org, api, crowd):
    first, first_sql = people_queries(api, 1)
    deep, deep_sql = people_queries(api, 3)
    assert len(first_sql) == len(deep_sql) == 5, deep_sql  # key, count, rows, consents, tags
    assert sum("COUNT(" in sql for sql in deep_sql) == 1
    assert (first["total_records"], first["total_pages"]) == (30, 3)
    ids = [p["identifiers"][0] for p in deep["_embedded"]["osdi:people"]]
    assert ids == [f"tocsin:{p.pk}" for p in crowd[20:30]]
    for body in (first, deep):
        for person in body["_embedded"]["osdi:people"]:
            assert person["tocsin:tags"] == ["blue", "red"]
            assert [c["status"] for c in person["tocsin:consents"]] == ["current"]


def test_the_page_and_its_count_stay_within_the_organization(org, other_org, api, crowd):
    for _ in range(4):
        ConsentFactory(supporter=SupporterFactory(organization=other_org))
    ConsentFactory(supporter=crowd[25], organization=other_org)  # not theirs to see
    body, _sql = people_queries(api, 3)
    assert body["total_records"] == 30
    listed = body["_embedded"]["osdi:people"]
    assert [p["identifiers"][0] for p in listed] == [f"tocsin:{p.pk}" for p in crowd[20:30]]
    assert all(len(p["tocsin:consents"]) == 1 for p in listed)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plans")
def test_count_and_page_ids_read_their_indexes(org, api, crowd):
    _body, sql = people_queries(api, 2)
    count = next(s for s in sql if "COUNT(" in s)
    rows = next(s for s in sql if s.startswith('SELECT "supporters_supporter"."id"'))
    # Raw SQL on purpose: the plans asked for are those of the exact statements the API sent
    # (captured above), and a planner switch has no ORM form.
    with connection.cursor() as cursor:
        # Few rows here: a sequential scan would win, so rule it out to see which index fits.
        cursor.execute("SET LOCAL enable_seqscan = off")
        plans = {}
        for name, query in (("count", count), ("rows", rows)):
            cursor.execute("EXPLAIN " + query)
            plans[name] = "\n".join(line for (line,) in cursor.fetchall())
    # Either partial index answers the count (which one depends on the table's size).
    assert re.search(r"Index Only Scan using known_(count|by_id) ", plans["count"]), plans
    assert "Index Only Scan using known_by_id " in plans["rows"], plans["rows"]
