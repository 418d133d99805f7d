"""Local development and `make demo`: debug on, mail printed to the console."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
# Development only: production refuses to start without a real key.
SECRET_KEY = env.str("SECRET_KEY", default="dev-only-insecure-key-not-for-production")
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
