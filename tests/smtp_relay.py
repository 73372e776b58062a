"""A real SMTP relay on 127.0.0.1 for tests: aiosmtpd with a certificate made for the test
(trustme), in implicit TLS, STARTTLS, or no-TLS mode, signing in with a user and password.

The client side trusts the test's certificate authority through ``SSL_CERT_FILE``, which
``ssl.create_default_context()`` reads like any OpenSSL program: the code under test runs
unchanged. Nothing here talks to anything but 127.0.0.1.
"""

from __future__ import annotations

import socket
import ssl
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

HOST = "127.0.0.1"
RELAY_USER = "letters@riverside.example"
RELAY_PASSWORD = "relay secret 42"
REFUSAL = "550 5.1.1 <{address}>: Recipient address rejected: User unknown"


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes
    over_tls: bool

    def message(self) -> EmailMessage:
        parsed = message_from_bytes(self.data, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed


@dataclass
class RelayHandler:
    """Takes every message except to ``refuse``d addresses, which get a 550."""

    refuse: set[str] = field(default_factory=set)
    received: list[Received] = field(default_factory=list)
    on_message: Callable[[], None] | None = None  # called as each message is taken

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: Any
    ) -> str:
        if address in self.refuse:
            return REFUSAL.format(address=address)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        data = envelope.original_content or b""
        self.received.append(
            Received(
                str(envelope.mail_from),
                list(envelope.rcpt_tos),
                data,
                server.transport is not None
                and server.transport.get_extra_info("ssl_object") is not None,
            )
        )
        if self.on_message is not None:
            self.on_message()
        return "250 2.0.0 Message accepted for delivery"


def _authenticate(
    server: SMTP, session: Session, envelope: Envelope, mechanism: str, auth_data: Any
) -> AuthResult:
    ok = isinstance(auth_data, LoginPassword) and (
        auth_data.login.decode(),
        auth_data.password.decode(),
    ) == (RELAY_USER, RELAY_PASSWORD)
    return AuthResult(success=ok)


@dataclass
class Relay:
    host: str
    port: int
    handler: RelayHandler


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def trust_test_ca(tmp_path: Path, monkeypatch: Any) -> trustme.CA:
    """A certificate authority of the test's own, trusted through SSL_CERT_FILE."""
    authority = trustme.CA()
    bundle = tmp_path / "test-ca.pem"
    authority.cert_pem.write_to_path(str(bundle))
    monkeypatch.setenv("SSL_CERT_FILE", str(bundle))
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    return authority


@contextmanager
def running_relay(
    authority: trustme.CA | None, mode: str, refuse: set[str] | None = None
) -> Iterator[Relay]:
    """A relay in ``mode`` "tls" (implicit), "starttls" (required) or "plain" (no TLS)."""
    handler = RelayHandler(refuse or set())
    kwargs: dict[str, Any] = {"authenticator": _authenticate, "auth_require_tls": True}
    if mode != "plain":
        assert authority is not None
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        authority.issue_cert(HOST).configure_cert(context)
        if mode == "tls":
            # aiosmtpd counts only STARTTLS as TLS for AUTH; the whole session is TLS here.
            kwargs.update(ssl_context=context, auth_require_tls=False)
        else:
            kwargs.update(tls_context=context, require_starttls=True)
    else:
        kwargs["auth_require_tls"] = False
    controller, port = _started(handler, kwargs)
    try:
        yield Relay(HOST, port, handler)
    finally:
        controller.stop()


def _started(handler: RelayHandler, kwargs: dict[str, Any]) -> tuple[Controller, int]:
    """A started relay on a free port. Parallel test processes probe ports at the same time,
    so one may take the port another just found free: then try the next free one."""
    for attempt in range(5):
        port = free_port()
        controller = Controller(handler, hostname=HOST, port=port, **kwargs)
        try:
            controller.start()
        except (OSError, RuntimeError):
            if attempt == 4:
                raise
            continue
        return controller, port
    raise AssertionError("unreachable")
