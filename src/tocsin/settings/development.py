"""Local development and `make demo`: debug on, mail written to files in var/mail/ (one per
message) by `tocsin worker`."""

from .base import *  # noqa: F403
from .base import VAR_DIR, env

DEBUG = env.bool("DEBUG", default=True)
# Development only: production refuses to start without a real key.
SECRET_KEY = env.str("SECRET_KEY", default="dev-only-insecure-key-not-for-production")
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default=str(VAR_DIR / "mail"))
# Webhooks to a receiver on this machine (http://127.0.0.1:…) while developing.
TOCSIN_WEBHOOKS_ALLOW_PRIVATE = env.bool("TOCSIN_WEBHOOKS_ALLOW_PRIVATE", default=True)
