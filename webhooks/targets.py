"""Webhook targets: refusal of non-public addresses (SSRF) and the HTTP POST. Pure: no ORM.

A target's host is resolved once; every address must be public (or allowed by
``DOCPLATFORM_WEBHOOK_ALLOWED_HOSTS``), and the connection goes to the address that was checked,
with the original host name in ``Host`` and in TLS (SNI and certificate checks), so a second,
different DNS answer (rebinding) cannot redirect the request. Redirects are not followed.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import threading
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from urllib.parse import urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
DEFAULT_PORTS = {"http": 80, "https": 443}
# 64:ff9b::/96 embeds an IPv4 address for NAT64 gateways.
NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
# Local-use NAT64 (RFC 8215): translates to whatever the operator's network chooses.
LOCAL_NAT64 = ipaddress.IPv6Network("64:ff9b:1::/48")
# ::a.b.c.d, the deprecated IPv4-compatible form, still reaches a.b.c.d on some stacks.
IPV4_COMPATIBLE = ipaddress.IPv6Network("::/96")
# Name resolution has no timeout of its own: it runs in these threads and is waited for this
# long at most.
RESOLVE_SECONDS = 5.0
_resolver = ThreadPoolExecutor(max_workers=4, thread_name_prefix="resolve")
RESPONSE_READ_LIMIT = 64 * 1024


class TargetRefused(Exception):
    """The URL cannot be a webhook target: bad form, unresolvable or not public."""


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str
    addresses: tuple[str, ...]


@dataclass(frozen=True)
class Allowed:
    hosts: frozenset[str]
    networks: tuple[IPNetwork, ...]

    @classmethod
    def parse(cls, entries: Iterable[str]) -> Allowed:
        hosts: set[str] = set()
        networks: list[IPNetwork] = []
        for entry in entries:
            try:
                networks.append(ipaddress.ip_network(entry.strip("[]"), strict=False))
            except ValueError:
                hosts.add(entry.lower().rstrip("."))
        return cls(frozenset(hosts), tuple(networks))


def embedded_ipv4(address: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address inside an IPv4-mapped, NAT64, 6to4 or Teredo IPv6 address."""
    if isinstance(address, ipaddress.IPv4Address):
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address in NAT64 or address in IPV4_COMPATIBLE:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    return None


def address_is_public(address: IPAddress) -> bool:
    """Whether an address is globally routable unicast: not loopback, private, link-local,
    carrier-grade NAT, multicast, reserved or unspecified, also when wrapped in IPv6."""
    if isinstance(address, ipaddress.IPv6Address) and address in LOCAL_NAT64:
        return False
    inner = embedded_ipv4(address)
    if inner is not None and not address_is_public(inner):
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return True  # judged by its IPv4 address above; ::ffff:0:0/96 itself is not "global"
    return address.is_global and not address.is_multicast


def target_resolve(url: str, *, allowed: Allowed) -> Target:
    """Parse and resolve a target URL, refusing anything that is not a public HTTP(S) host."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise TargetRefused(f"The URL is not valid: {exc}.") from None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise TargetRefused("Only http and https URLs can receive webhooks.")
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise TargetRefused("The URL has no host.")
    if parts.username is not None or parts.password is not None:
        raise TargetRefused("The URL must not contain credentials.")
    port = port or DEFAULT_PORTS[scheme]
    try:
        infos = _resolver.submit(socket.getaddrinfo, host, port, type=socket.SOCK_STREAM).result(
            timeout=RESOLVE_SECONDS
        )
    except FutureTimeout:
        raise TargetRefused(f"The host {host!r} could not be resolved in time.") from None
    except (OSError, UnicodeError):
        raise TargetRefused(f"The host {host!r} cannot be resolved.") from None
    addresses: list[str] = []
    for _family, _type, _proto, _name, sockaddr in infos:
        text = str(sockaddr[0])
        address = ipaddress.ip_address(text.split("%", 1)[0])
        permitted = (
            host.lower() in allowed.hosts
            or any(address in network for network in allowed.networks)
            or address_is_public(address)
        )
        if not permitted:
            # The address stays unsaid: the answer must not map internal names.
            raise TargetRefused(f"The host {host!r} is not a public address.")
        if text not in addresses:
            addresses.append(text)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return Target(scheme=scheme, host=host, port=port, path=path, addresses=tuple(addresses))


class _PinnedConnection(http.client.HTTPConnection):
    def __init__(self, host: str, port: int, *, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedTLSConnection(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, *, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


class DeadlineExceeded(TimeoutError):
    """The whole delivery took longer than its deadline and was cut off."""


def _cut(connection: http.client.HTTPConnection, cut: threading.Event) -> None:
    cut.set()
    sock = connection.sock
    if sock is not None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def post(
    target: Target,
    *,
    body: bytes,
    headers: dict[str, str],
    timeout: float,
    deadline: float | None = None,
) -> int:
    """POST ``body`` to the first reachable checked address; return the response status.

    ``timeout`` bounds each socket operation; ``deadline`` the whole delivery: a receiver
    trickling one byte at a time is cut off when it passes (the socket is shut down from a
    timer thread, which wakes the blocked read).

    Raises ``OSError`` (connection, TLS, timeout, :class:`DeadlineExceeded`) or
    ``http.client.HTTPException``.
    """
    total = deadline if deadline is not None else 3 * timeout
    end = time.monotonic() + total
    last_error: OSError | None = None
    for address in target.addresses:
        remaining = end - time.monotonic()
        if remaining <= 0:
            break
        cls = _PinnedTLSConnection if target.scheme == "https" else _PinnedConnection
        connection = cls(target.host, target.port, address=address, timeout=min(timeout, remaining))
        cut = threading.Event()
        watchdog = threading.Timer(remaining, _cut, args=(connection, cut))
        watchdog.daemon = True
        watchdog.start()
        try:
            try:
                connection.connect()
            except OSError as exc:
                last_error = exc
                continue
            connection.request("POST", target.path, body=body, headers=headers)
            response = connection.getresponse()
            response.read(RESPONSE_READ_LIMIT)
            if cut.is_set():
                raise DeadlineExceeded("the delivery passed its deadline")
            return response.status
        except (OSError, http.client.HTTPException) as exc:
            if cut.is_set():
                raise DeadlineExceeded(
                    f"no complete answer within the deadline of {total:g} s"
                ) from exc
            raise
        finally:
            watchdog.cancel()
            connection.close()
    if last_error is None and time.monotonic() >= end:
        raise DeadlineExceeded("the delivery passed its deadline")
    raise last_error or OSError("no address to connect to")
