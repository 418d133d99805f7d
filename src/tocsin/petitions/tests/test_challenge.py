import base64
import json

import altcha
import pytest
from django.core.cache import cache
from django.urls import reverse

from tocsin.core import challenge
from tocsin.petitions.factories import PetitionFactory
from tocsin.petitions.models import Signature
from tocsin.petitions.tests.test_signing import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def petition(settings):
    settings.TOCSIN_ALTCHA_MAX_NUMBER = 2_000  # keeps solving it here quick
    return PetitionFactory(ask_for_challenge=True)


def solution_for(challenge_json: str) -> str:
    """What the widget puts in the form once the browser has solved the challenge."""
    issued = json.loads(challenge_json)
    solved = altcha.solve_challenge_v1(
        issued["challenge"], issued["salt"], issued["algorithm"], issued["maxNumber"]
    )
    payload = {key: issued[key] for key in ("algorithm", "challenge", "salt", "signature")}
    return base64.b64encode(json.dumps(payload | {"number": solved.number}).encode()).decode()


def sign(client, petition, **changes):
    url = reverse("petitions:sign", kwargs={"slug": petition.campaign.slug})
    return client.post(url, form_data(**changes))


def test_the_form_carries_a_challenge_only_when_switched_on(client, petition):
    url = reverse("petitions:sign", kwargs={"slug": petition.campaign.slug})
    assert "<altcha-widget" in client.get(url).content.decode()
    petition.ask_for_challenge = False
    petition.save()
    assert "<altcha-widget" not in client.get(url).content.decode()


def test_a_solved_challenge_counts_once_and_its_replay_is_held(client, petition):
    solved = solution_for(challenge.new_challenge())
    assert sign(client, petition, email="a@example.org", altcha=solved).status_code == 302
    assert sign(client, petition, email="b@example.org", altcha=solved).status_code == 302
    held = dict(Signature.objects.values_list("email", "held_at"))
    assert held["a@example.org"] is None
    assert held["b@example.org"] is not None


def test_a_solution_is_accepted_once_across_every_process(client, petition):
    """Each web worker has its own memory: what one worker saw must stop the others too."""
    solved = solution_for(challenge.new_challenge())
    assert challenge.solved(solved)
    cache.clear()  # what another worker process, with its own local cache, would start with
    assert not challenge.solved(solved)


def test_a_solution_written_out_differently_is_still_the_same_solution(client, petition):
    solved = solution_for(challenge.new_challenge())
    decoded = json.loads(base64.b64decode(solved))
    respelled = base64.b64encode(
        json.dumps(dict(reversed(decoded.items())), indent=1).encode()
    ).decode()
    assert respelled != solved
    assert challenge.solved(solved)
    assert not challenge.solved(respelled)


@pytest.mark.parametrize(
    "payload",
    [
        "",
        "not base64 at all",
        base64.b64encode(b"[1, 2]").decode(),
        base64.b64encode(b"12").decode(),
        base64.b64encode(json.dumps({"algorithm": "SHA-256", "number": 1}).encode()).decode(),
    ],
)
def test_no_or_a_broken_solution_is_held_for_review_not_refused(client, petition, payload):
    response = sign(client, petition, altcha=payload)
    assert response.status_code == 302  # the same answer as any signature
    assert Signature.objects.get().held_at is not None


def test_a_solution_forged_with_another_key_is_held(client, petition):
    forged = altcha.create_challenge_v1(altcha.ChallengeOptionsV1(hmac_key="guess", max_number=50))
    sign(client, petition, altcha=solution_for(json.dumps(forged.to_dict())))
    assert Signature.objects.get().held_at is not None


def test_an_expired_solution_is_held(client, petition, monkeypatch):
    issued = challenge.new_challenge()
    solved = solution_for(issued)
    monkeypatch.setattr("time.time", lambda: 4_000_000_000)
    assert not challenge.solved(solved)
