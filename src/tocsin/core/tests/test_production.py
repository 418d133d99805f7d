import os
import secrets
import subprocess
import sys

import pytest
from django.contrib.auth import get_user_model

from tocsin.campaigns.factories import CampaignFactory

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "tocsin.settings.production",
    "DATABASE_URL": "sqlite:////tmp/tocsin-check.sqlite3",
    "ALLOWED_HOSTS": "act.example.org",
}


def run_tocsin(*args, env):
    base = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DATABASE_URL")}
    return subprocess.run(
        [sys.executable, "-m", "tocsin", *args],
        env=base | env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = run_tocsin("check", env=PRODUCTION_ENV)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_a_development_key():
    result = run_tocsin(
        "check", env=PRODUCTION_ENV | {"SECRET_KEY": "dev-only-insecure-key-" + "x" * 40}
    )
    assert result.returncode != 0


def test_production_refuses_to_start_without_a_database_url():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "DATABASE_URL"}
    result = run_tocsin("check", env=env | {"SECRET_KEY": secrets.token_urlsafe(50)})
    assert result.returncode != 0
    assert "DATABASE_URL" in result.stderr


def test_production_settings_pass_the_deployment_checklist():
    result = run_tocsin(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env=PRODUCTION_ENV | {"SECRET_KEY": secrets.token_urlsafe(50)},
    )
    assert result.returncode == 0, result.stderr + result.stdout


@pytest.mark.django_db
def test_pages_forbid_inline_script_through_the_content_security_policy(client):
    campaign = CampaignFactory(status="live")
    response = client.get(campaign.get_absolute_url())
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "<script>" not in response.content.decode()  # only <script src=...>
    # The campaign page may be framed by the site itself (the organizer's preview), and
    # every other page by nobody.
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in policy
    home = client.get("/")
    assert home["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in home["Content-Security-Policy"]


@pytest.mark.django_db
def test_admin_login_locks_out_after_repeated_failures(client):
    get_user_model().objects.create_user("organizer", password="right-password-123", is_staff=True)
    for _ in range(5):
        client.post("/admin/login/", {"username": "organizer", "password": "wrong"})
    response = client.post(
        "/admin/login/", {"username": "organizer", "password": "right-password-123"}
    )
    assert response.status_code in (403, 429)
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_supporters_browsers_are_not_sent_to_ask_for_a_missing_favicon(client):
    campaign = CampaignFactory(status="live")
    page = client.get(campaign.get_absolute_url()).content.decode()
    assert '<link rel="icon" href="data:,">' in page
