"""What the spike drills (bench/spike.py, bench/two_nodes.py) share: a fresh PostgreSQL
database and Redis database, production settings pointed at them, the demo loaded, and the
petition they sign with its demo signatures removed so that only the drill's count."""

import os
import secrets
import subprocess
from pathlib import Path


def prepare(database: str, var_dir: Path, redis_url: str = ""):
    """Set up Django for the drill; returns the petition to sign."""
    for statement in (f"DROP DATABASE IF EXISTS {database}", f"CREATE DATABASE {database}"):
        subprocess.run(
            ["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", statement],
            check=True,
            capture_output=True,
        )
    if redis_url:
        import redis

        redis.Redis.from_url(redis_url).flushdb()
    os.environ.update(
        DJANGO_SETTINGS_MODULE="tocsin.settings.production",
        SECRET_KEY=secrets.token_urlsafe(50),
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{database}",
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",
        TOCSIN_VAR_DIR=str(var_dir),
        REDIS_URL=redis_url,
        LOG_LEVEL="WARNING",
    )
    import django

    django.setup()
    from django.core.management import call_command

    from tocsin.petitions.models import PetitionAction, Signature

    call_command("migrate", verbosity=0)
    call_command("load_demo", organizer_password=secrets.token_urlsafe(16), verbosity=0)
    petition = PetitionAction.objects.get(campaign__slug="no-spyware-for-honduras")
    Signature.objects.filter(petition=petition).delete()
    return petition
