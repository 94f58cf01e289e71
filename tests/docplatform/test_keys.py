"""API keys: shown once, stored hashed, checked in constant time."""

from __future__ import annotations

import pytest
from django.test import override_settings

from docplatform.keys import (
    Match,
    generate_key,
    hash_key,
    hash_key_pbkdf2,
    key_secret,
    split_key,
    verify_key,
)
from docplatform.models import ApiKey
from docplatform.selectors import api_key_get_usable
from docplatform.services import api_key_authenticate, api_key_create, api_key_revoke


def test_a_generated_key_has_a_lookup_prefix_and_a_long_secret():
    key = generate_key()
    assert key.raw.startswith("dpk_" + key.prefix + ".")
    assert split_key(key.raw) == key.prefix
    assert len(key.raw.split(".", 1)[1]) >= 40


def test_a_hash_verifies_only_its_own_key_under_its_own_secret():
    key = generate_key()
    secret = key_secret("one secret key")
    hashed = hash_key(key.raw, secret=secret)
    assert verify_key(key.raw, hashed, secrets=[secret]) is Match.CURRENT
    assert verify_key(key.raw + "x", hashed, secrets=[secret]) is Match.NONE
    assert verify_key(generate_key().raw, hashed, secrets=[secret]) is Match.NONE
    assert verify_key(key.raw, hashed, secrets=[key_secret("another")]) is Match.NONE
    assert verify_key(key.raw, "md5$1$salt$abc", secrets=[secret]) is Match.NONE
    assert verify_key(key.raw, "pbkdf2_sha256$x$salt$abc", secrets=[secret]) is Match.NONE


def test_a_former_scheme_or_former_secret_matches_as_stale():
    key = generate_key()
    current, former = key_secret("current"), key_secret("former")
    legacy = hash_key_pbkdf2(key.raw, iterations=1000)
    assert verify_key(key.raw, legacy, secrets=[current]) is Match.STALE
    assert verify_key(key.raw + "x", legacy, secrets=[current]) is Match.NONE
    under_former = hash_key(key.raw, secret=former)
    assert verify_key(key.raw, under_former, secrets=[current, former]) is Match.STALE


@pytest.mark.parametrize("raw", ["", "nope", "dpk_short.x", "dpk_000000000000.", "x" * 500])
def test_malformed_keys_have_no_prefix(raw):
    assert split_key(raw) is None


@pytest.mark.django_db
def test_the_plaintext_key_is_never_stored(service):
    key, raw = api_key_create(service=service, name="ci")
    row = ApiKey.objects.filter(pk=key.pk).values().get()
    assert raw not in str(row)
    assert raw.split(".", 1)[1] not in str(row)
    assert api_key_get_usable(raw=raw) == key


@pytest.mark.django_db
def test_a_revoked_key_is_no_longer_usable(service):
    key, raw = api_key_create(service=service, name="ci")
    api_key_revoke(api_key=key)
    assert api_key_get_usable(raw=raw) is None


@pytest.mark.django_db
def test_a_key_stored_under_pbkdf2_still_works_and_is_rewritten_on_first_use(service):
    key, raw = api_key_create(service=service, name="old")
    ApiKey.objects.filter(pk=key.pk).update(hashed_key=hash_key_pbkdf2(raw, iterations=1000))
    assert api_key_authenticate(raw=raw) == key
    stored = ApiKey.objects.get(pk=key.pk).hashed_key
    assert stored.startswith("hmac_sha256$")
    assert api_key_authenticate(raw=raw) == key
    assert ApiKey.objects.get(pk=key.pk).hashed_key == stored
    assert api_key_authenticate(raw=raw + "x") is None


@pytest.mark.django_db
def test_keys_survive_a_rotation_of_the_secret_key_listed_as_fallback(service, settings):
    key, raw = api_key_create(service=service, name="rotated")
    before = ApiKey.objects.get(pk=key.pk).hashed_key
    with override_settings(
        SECRET_KEY="a-new-secret-key-" + "x" * 40, SECRET_KEY_FALLBACKS=[settings.SECRET_KEY]
    ):
        assert api_key_authenticate(raw=raw) == key
        after = ApiKey.objects.get(pk=key.pk).hashed_key
        assert after != before
        assert verify_key(raw, after, secrets=[key_secret(settings.SECRET_KEY)]) is Match.CURRENT
    with override_settings(SECRET_KEY="yet-another-secret-key-" + "y" * 40):
        assert api_key_authenticate(raw=raw) is None
