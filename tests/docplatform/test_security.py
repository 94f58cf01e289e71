"""Sign-in throttling (django-axes) and the Content-Security-Policy (django-csp)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password-7"


@pytest.fixture
def user(settings) -> User:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return User.objects.create_user("rita", password=PASSWORD, is_staff=True)


def sign_in(client: Client, path: str, password: str) -> int:
    response = client.post(path, {"username": "rita", "password": password})
    return response.status_code


@pytest.mark.parametrize("path", ["/accounts/login/", "/admin/login/"])
def test_password_guessing_is_locked_out_after_a_few_failures(user, settings, path):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, path, "wrong") == 200  # the form again, with its error
    assert sign_in(client, path, "wrong") == 429
    # Locked out: even the right password is refused now.
    assert sign_in(client, path, PASSWORD) == 429
    assert "_auth_user_id" not in client.session


def test_a_success_resets_the_count_of_failures(user, settings):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, "/accounts/login/", "wrong")
    assert sign_in(client, "/accounts/login/", PASSWORD) == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, "/accounts/login/", "wrong") == 200


@pytest.mark.parametrize("path", ["/accounts/login/", "/", "/api/v1/inference/service/x/jobs"])
def test_pages_send_a_content_security_policy(client, path):
    policy = client.get(path)["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy


def test_the_review_pages_allow_no_inline_script(client, user):
    client.force_login(user)
    response = client.get(reverse("review:queue"))
    assert response.status_code == 200
    assert (
        "'unsafe-inline'"
        not in response["Content-Security-Policy"].split("script-src")[1].split(";")[0]
    )
