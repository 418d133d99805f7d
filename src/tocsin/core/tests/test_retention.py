"""Issue 14, finding 20 (login logs) and finding 13 (spent challenges): what is kept about people
is kept for a while, not forever, and the worker's daily job does the forgetting."""

import datetime

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.utils import timezone

from tocsin.core import retention, scheduling, tokens
from tocsin.core.models import SpentToken

pytestmark = pytest.mark.django_db


def logged(model, days_ago, **fields):
    row = model.objects.create(
        user_agent=f"Mozilla/5.0 ({days_ago})",
        ip_address="203.0.113.9",
        username="organizer",
        **fields,
    )
    model.objects.filter(pk=row.pk).update(
        attempt_time=timezone.now() - datetime.timedelta(days=days_ago)
    )
    return row


def test_login_logs_older_than_the_retention_period_are_deleted(settings):
    settings.TOCSIN_LOGIN_LOG_DAYS = 30
    old = [
        logged(AccessLog, 31),
        logged(AccessFailureLog, 31),
        logged(AccessAttempt, 31, get_data="", post_data="", failures_since_start=1),
    ]
    recent = [
        logged(AccessLog, 29),
        logged(AccessFailureLog, 29),
        logged(AccessAttempt, 29, get_data="", post_data="", failures_since_start=1),
    ]
    retention.prune()
    for row in old:
        assert not type(row).objects.filter(pk=row.pk).exists()
    for row in recent:
        assert type(row).objects.filter(pk=row.pk).exists()


def test_spent_challenges_are_forgotten_once_they_could_not_be_used_again():
    assert tokens.spend("altcha", "first", valid_for=datetime.timedelta(minutes=30))
    assert tokens.spend("altcha", "second", valid_for=datetime.timedelta(minutes=30))
    assert not tokens.spend("altcha", "first", valid_for=datetime.timedelta(minutes=30))
    SpentToken.objects.filter(pk=SpentToken.objects.order_by("pk").first().pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    retention.prune()
    assert SpentToken.objects.count() == 1
    assert not tokens.spend("altcha", "second", valid_for=datetime.timedelta(minutes=30))


def test_the_worker_runs_the_retention_job_every_day():
    jobs = scheduling.load_schedule()
    [job] = [job for job in jobs.values() if job.call == "tocsin.core.retention.prune"]
    assert job.every == datetime.timedelta(days=1)
    assert settings.TOCSIN_LOGIN_LOG_DAYS == 30
