"""API keys: shown once, stored hashed, checked in constant time."""

from __future__ import annotations

import pytest

from docplatform.keys import generate_key, hash_key, split_key, verify_key
from docplatform.models import ApiKey
from docplatform.selectors import api_key_get_usable
from docplatform.services import api_key_create, api_key_revoke


def test_a_generated_key_has_a_lookup_prefix_and_a_long_secret():
    key = generate_key()
    assert key.raw.startswith("dpk_" + key.prefix + ".")
    assert split_key(key.raw) == key.prefix
    assert len(key.raw.split(".", 1)[1]) >= 40


def test_a_hash_verifies_only_its_own_key():
    key = generate_key()
    hashed = hash_key(key.raw, iterations=1000)
    assert verify_key(key.raw, hashed)
    assert not verify_key(key.raw + "x", hashed)
    assert not verify_key(generate_key().raw, hashed)
    assert not verify_key(key.raw, "md5$1$salt$abc")


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
