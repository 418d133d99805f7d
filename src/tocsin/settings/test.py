"""The test suite: the database comes from DATABASE_URL (SQLite or PostgreSQL)."""

import os
import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import DATABASES, env

DEBUG = False
SECRET_KEY = "test-only-key-" + "x" * 40
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
TOCSIN_PAGE_CACHE_SECONDS = 30
TOCSIN_DATA_DIR = env.str("TOCSIN_DATA_DIR", default="")
AXES_ENABLED = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Tests that run threads with their own connections (the RSVP race) need a test database every
# connection can open: a file (WAL), not SQLite's per-connection memory.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # One file per run, so two runs side by side never share (or delete) each other's.
    DATABASES["default"].setdefault("TEST", {})["NAME"] = str(
        Path(tempfile.gettempdir()) / f"tocsin-test-{os.getpid()}.sqlite3"
    )
else:
    # A test database is thrown away at the end of the run: waiting for each commit to reach
    # the disk buys nothing, and the transactional tests commit (and truncate) thousands of times.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c synchronous_commit=off"
# A process-wide buffer would carry one test's page views into another's database.
TOCSIN_COUNT_PAGE_VIEWS = False
