"""Finding 6 of issue 15: the give form announces its errors and links each to its field."""

import pytest
from django.urls import reverse

from tocsin.core.tests.form_errors import form_error_problems

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("data", "target"),
    [
        ({"amount": "2501"}, "#id_amount_0"),
        ({"other_amount": "five pounds"}, "#id_other_amount"),
        ({}, None),  # nothing chosen: a message for the whole form
    ],
)
def test_a_bad_gift_is_announced_with_a_link_to_its_field(
    client, fake_stripe, fundraiser, data, target
):
    response = client.post(reverse("fundraising:detail", args=[fundraiser.slug]), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "data-error-summary" in html
    assert form_error_problems(html) == []
    if target:
        assert f'href="{target}"' in html
    assert fake_stripe.requests == []
