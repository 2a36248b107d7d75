"""Settings for the test suite: Stepback's settings in test mode, with a fast password hasher."""

import os

os.environ["STEPBACK_ENV"] = "test"

from stepback.settings import *  # noqa: F403

# Argon2 is the real hasher (asserted in tests/accounts); MD5 keeps thousands of sign-ins fast.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
