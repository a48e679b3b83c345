"""Test settings: the production module with fast hashing, in-memory mail and eager Celery.

DATABASE_URL and REDIS_URL still come from the environment, so `make test` runs against
PostgreSQL and Redis when they are set (as .ci/run does).
"""

import os

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop

from .settings import *  # noqa: E402,F403
from .settings import STORAGES, VAR_DIR  # noqa: E402

DEBUG = False
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
MEDIA_ROOT = VAR_DIR / "test-uploads"
# Each test starts with an empty in-process cache (see conftest.py), whatever REDIS_URL says.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Several people (or agents) sharing one PostgreSQL can each name their own test database.
if os.environ.get("TEST_DB_NAME"):
    DATABASES["default"]["TEST"] = {"NAME": os.environ["TEST_DB_NAME"]}  # noqa: F405
