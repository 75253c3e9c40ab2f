"""The test suite's settings: the real ones, with a throwaway data folder and fast hashing."""

import os
import tempfile

os.environ.setdefault("KEYSTAGE_SECRET_KEY", "keystage-tests-only")
os.environ.setdefault("KEYSTAGE_DATA", tempfile.mkdtemp(prefix="keystage-tests-"))
os.environ.pop("KEYSTAGE_TODAY", None)

from keystage.web.settings import *  # noqa: F403

# A fast hasher: the suite signs in hundreds of times; production keeps Django's default.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
