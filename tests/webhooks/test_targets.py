"""Webhook targets: non-public addresses are refused after resolution, unless allowed."""

from __future__ import annotations

import pytest

from webhooks.targets import Allowed, TargetRefused, target_resolve

NOTHING_ALLOWED = Allowed.parse([])


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/hook",
        "http://127.8.9.10:8080/hook",
        "http://10.0.0.5/hook",
        "http://172.16.0.1/hook",
        "http://172.31.255.254/hook",
        "http://192.168.1.20/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://100.64.0.1/hook",
        "http://100.127.255.254/hook",
        "http://0.0.0.0/hook",
        "http://[::1]/hook",
        "http://[fc00::1]/hook",
        "http://[fd12:3456::1]/hook",
        "http://[fe80::1]/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "http://[::ffff:10.0.0.1]/hook",
        "http://[::ffff:169.254.169.254]/hook",
        "http://[64:ff9b::7f00:1]/hook",
        "http://[::7f00:1]/hook",
        "http://[::a00:1]/hook",
        "http://[64:ff9b:1::5db8:d70e]/hook",
        "http://[64:ff9b:1:ffff::1]/hook",
        "http://[2002:7f00:1::]/hook",
        "http://224.0.0.1/hook",
        "http://localhost/hook",
        "https://localhost:8443/hook",
    ],
)
def test_non_public_targets_are_refused_by_default(url):
    with pytest.raises(TargetRefused, match="not a public address"):
        target_resolve(url, allowed=NOTHING_ALLOWED)


@pytest.mark.parametrize(
    "url",
    ["ftp://example.com/x", "file:///etc/passwd", "gopher://1.1.1.1/", "http:///nohost"],
)
def test_only_http_and_https_urls_with_a_host_are_accepted(url):
    with pytest.raises(TargetRefused):
        target_resolve(url, allowed=NOTHING_ALLOWED)


def test_credentials_in_the_url_are_refused():
    with pytest.raises(TargetRefused, match="credentials"):
        target_resolve("http://user:pw@93.184.215.14/hook", allowed=NOTHING_ALLOWED)


def test_an_unresolvable_host_is_refused():
    with pytest.raises(TargetRefused, match="cannot be resolved"):
        target_resolve("http://no-such-host.invalid/hook", allowed=NOTHING_ALLOWED)


def test_a_public_address_is_accepted_and_pinned():
    target = target_resolve("https://93.184.215.14/hooks?x=1", allowed=NOTHING_ALLOWED)
    assert target.addresses == ("93.184.215.14",)
    assert (target.scheme, target.port, target.path) == ("https", 443, "/hooks?x=1")


def test_a_public_ipv4_mapped_address_is_accepted():
    target = target_resolve("http://[::ffff:93.184.215.14]/", allowed=NOTHING_ALLOWED)
    assert target.addresses == ("::ffff:93.184.215.14",)


@pytest.mark.parametrize(
    ("allowed", "url"),
    [
        (["127.0.0.1"], "http://127.0.0.1:9000/hook"),
        (["127.0.0.0/8"], "http://localhost:9000/hook"),
        (["10.1.0.0/16"], "http://10.1.2.3/hook"),
        (["localhost"], "http://localhost/hook"),
        (["fc00::/7"], "http://[fd00::5]/hook"),
    ],
)
def test_listed_hosts_and_networks_are_allowed(allowed, url):
    target = target_resolve(url, allowed=Allowed.parse(allowed))
    assert target.addresses


def test_an_allowed_network_does_not_open_other_private_addresses():
    with pytest.raises(TargetRefused):
        target_resolve("http://10.2.0.1/hook", allowed=Allowed.parse(["10.1.0.0/16"]))


def test_a_refusal_does_not_say_what_an_internal_name_resolves_to():
    with pytest.raises(TargetRefused) as refused:
        target_resolve("http://localhost/hook", allowed=NOTHING_ALLOWED)
    assert "127.0.0.1" not in str(refused.value) and "::1" not in str(refused.value)


def test_name_resolution_is_given_up_after_its_timeout(monkeypatch):
    import socket
    import threading

    from webhooks import targets

    release = threading.Event()
    monkeypatch.setattr(targets, "RESOLVE_SECONDS", 0.5)
    monkeypatch.setattr(socket, "getaddrinfo", lambda *a, **k: release.wait(30) or [])
    try:
        with pytest.raises(TargetRefused, match="in time"):
            target_resolve("http://slow.example/hook", allowed=NOTHING_ALLOWED)
    finally:
        release.set()
