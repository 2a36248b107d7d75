import stepback.settings


def test_it_hashes_passwords_with_argon2_first() -> None:
    assert stepback.settings.PASSWORD_HASHERS[0] == (
        "django.contrib.auth.hashers.Argon2PasswordHasher"
    )


def test_it_validates_passwords_with_djangos_validators() -> None:
    names = {v["NAME"].rsplit(".", 1)[-1] for v in stepback.settings.AUTH_PASSWORD_VALIDATORS}
    assert {"MinimumLengthValidator", "CommonPasswordValidator"} <= names
