import contextlib
import os
import socket
from pathlib import Path

import pytest
from django.core.management import call_command

REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def forget_cached_facts():
    """Each test starts with empty caches: cached rows from another test's rolled-back
    transaction would otherwise leak into it."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def local_redis(settings) -> str:
    """Point the cache and the rate-limit counters at the real local Redis, as several web
    servers share it, under a prefix of this test's own (skipped where there is no Redis)."""
    import uuid

    import redis

    from tocsin.settings.base import caches_for

    url = "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url, socket_timeout=1).ping()
    except redis.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379 (CI starts one)")
    settings.REDIS_URL = url
    caches = caches_for(url)
    caches["default"]["KEY_PREFIX"] = f"tocsin-test-{uuid.uuid4().hex[:8]}"
    settings.CACHES = caches
    # Not cleared afterwards: clearing flushes the whole Redis database, which other tests may
    # be using; the prefix keeps this test's keys apart, and they expire on their own.
    return url


@pytest.fixture(scope="session")
def shared_data_dir() -> Path:
    """The public datasets beside the checkout (../shared/data), or TOCSIN_DATA_DIR."""
    path = Path(os.environ.get("TOCSIN_DATA_DIR") or REPO_ROOT.parent / "shared" / "data")
    if not (path / "congress" / "legislators-current.yaml").exists():
        pytest.skip(f"public datasets not found at {path}; set TOCSIN_DATA_DIR")
    return path


class CollectingHandler:
    """An aiosmtpd handler that keeps every message it is sent."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        from email import message_from_bytes, policy

        message = message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append(message)
        return "250 Message accepted for delivery"


@contextlib.contextmanager
def serving_smtp(handler, settings):
    """A real SMTP server on loopback with `handler`; Django's SMTP backend is pointed at it."""
    from aiosmtpd.controller import Controller

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    try:
        yield handler
    finally:
        controller.stop()


@pytest.fixture
def smtp_server(settings):
    with serving_smtp(CollectingHandler(), settings) as handler:
        yield handler


@pytest.fixture
def run_tasks(monkeypatch):
    """Run every queued background task now, as the worker would (`tocsin db_worker`)."""
    from django.core.management import call_command
    from django_tasks_db.management.commands import db_worker

    # The worker drops database connections it thinks are stale; inside a test's transaction
    # that would close the very connection the test is using.
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)

    def run():
        call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)

    return run


@pytest.fixture
def demo_site(live_server, shared_data_dir):
    """The demo on a live server, with the real members of Congress and districts."""
    from tocsin.districts.services import reset_indexes

    call_command("sync_legislators", source=str(shared_data_dir / "congress"), verbosity=0)
    call_command("sync_districts", source=str(shared_data_dir), verbosity=0)
    call_command("load_demo", organizer_password="walkthrough-password", verbosity=0)
    reset_indexes()
    yield live_server.url
    reset_indexes()


CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = REPO_ROOT / "test-artifacts"


@pytest.fixture
def browser_page():
    """A phone-sized page in headless Chromium (Debian's), driven by Playwright."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("TOCSIN_REQUIRE_BROWSER"):
            pytest.fail(f"{CHROMIUM} is missing and TOCSIN_REQUIRE_BROWSER is set")
        pytest.skip("browser tests need Debian's chromium: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread; the ORM calls the test makes
    # between browser steps are still ordinary synchronous calls.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                # Containers often give /dev/shm a few megabytes; a long page's screenshot then
                # crashes the renderer.
                "--disable-dev-shm-usage",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        context = browser.new_context(
            viewport={"width": 390, "height": 844},
            device_scale_factor=1,
            is_mobile=True,
            has_touch=True,
            locale="en-US",
        )
        page = context.new_page()
        page.set_default_timeout(15_000)
        try:
            yield page
        finally:
            context.close()
            browser.close()
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def delete_targets(*querysets) -> None:
    """Delete loaded targets at a module's end without work per row: the receivers that forget
    the cached pages and scoreboards of a changed target are muted meanwhile (every test clears
    the cache anyway), and so is the record of changes (no organizer is deleting anything), so
    Django deletes offices and accounts in bulk."""
    from auditlog.context import disable_auditlog
    from django.db.models.signals import post_delete, pre_delete

    from tocsin.campaigns import signals as campaign_signals
    from tocsin.targets.models import Office, SocialAccount, Target
    from tocsin.whip import signals as whip_signals

    for model in (Target, Office, SocialAccount):
        post_delete.disconnect(sender=model, dispatch_uid=f"{model}-{post_delete}")
    pre_delete.disconnect(sender=Target, dispatch_uid=f"whip-target-{pre_delete}")
    try:
        with disable_auditlog():
            for queryset in querysets or (Target.objects.all(),):
                queryset.delete()
    finally:
        campaign_signals.connect()
        whip_signals.connect()


@pytest.fixture(scope="module")
def congress_data(django_db_setup, django_db_blocker, shared_data_dir):
    """Real members of Congress, ZIP table and boundaries, loaded once for the module."""
    from tocsin.districts.models import DatasetImport, DistrictBoundary, ZipDistrict
    from tocsin.districts.services import reset_indexes

    with django_db_blocker.unblock():
        call_command("sync_legislators", source=str(shared_data_dir / "congress"), verbosity=0)
        call_command("sync_districts", source=str(shared_data_dir), verbosity=0)
    yield
    with django_db_blocker.unblock():
        for model in (ZipDistrict, DistrictBoundary, DatasetImport):
            model.objects.all().delete()
        delete_targets()
        reset_indexes()
