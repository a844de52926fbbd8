"""The SMTP notifier against a real SMTP server on 127.0.0.1 (aiosmtpd), plain, with
STARTTLS and with implicit TLS, the certificates made for each test by trustme."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import re
import socket
import ssl
import threading
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import attrs
import pytest
import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

from regflow.adapters.smtp import SMTPNotifier
from regflow.errors import DeliveryError
from regflow.testing.fakes import FixedClock
from regflow.testing.notifier_contract import NotifierContract, russian_notice

SENDER = "Регламент ответов <noreply@city.example>"
T0 = dt.datetime(2025, 11, 24, 14, 30, tzinfo=dt.timezone(dt.timedelta(hours=9)))
CREDENTIALS = ("regflow", "s3cret")


@attrs.frozen
class Delivery:
    """One message the server accepted: the envelope, the parsed message, and whether
    it came over TLS."""

    mail_from: str
    rcpt_to: tuple[str, ...]
    raw: bytes
    message: EmailMessage
    tls: bool


class Recorder:
    """The aiosmtpd handler: records what it accepts and who logged in.

    ``reply_at(stage, reply)`` scripts the next answer at a stage (``EHLO``, which
    refuses the greeting for EHLO and HELO alike, ``MAIL``, ``RCPT``, ``DATA`` after
    the message) instead of accepting.
    """

    def __init__(self) -> None:
        self.port = 0
        self.deliveries: list[Delivery] = []
        self.logins: list[str] = []
        self.connections = 0
        self._scripted: dict[str, list[str]] = {}
        self._lock = threading.Lock()

    def reply_at(self, stage: str, reply: str) -> None:
        with self._lock:
            self._scripted.setdefault(stage, []).append(reply)

    def _next(self, stage: str, *, peek: bool = False) -> str | None:
        with self._lock:
            replies = self._scripted.get(stage)
            if not replies:
                return None
            return replies[0] if peek else replies.pop(0)

    # aiosmtpd's hooks

    async def handle_EHLO(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        hostname: str,
        responses: list[str],
    ) -> list[str]:
        refusal = self._next("EHLO", peek=True)  # smtplib tries HELO next: refuse that too
        if refusal:
            return [refusal]
        session.host_name = hostname
        return responses

    async def handle_HELO(
        self, server: SMTP, session: Session, envelope: Envelope, hostname: str
    ) -> str:
        refusal = self._next("EHLO")
        if refusal:
            return refusal
        session.host_name = hostname
        return f"250 {server.hostname}"

    async def handle_MAIL(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        reply = self._next("MAIL")
        if reply is None:
            envelope.mail_from = address
        return reply or "250 OK"

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        reply = self._next("RCPT")
        if reply is None:
            envelope.rcpt_tos.append(address)
        return reply or "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        reply = self._next("DATA")
        if reply is not None:
            return reply
        raw = envelope.original_content
        assert isinstance(raw, bytes)
        assert envelope.mail_from is not None
        message = email.message_from_bytes(raw, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        transport = server.transport
        tls = transport is not None and transport.get_extra_info("ssl_object") is not None
        delivery = Delivery(envelope.mail_from, tuple(envelope.rcpt_tos), raw, message, tls)
        with self._lock:
            self.deliveries.append(delivery)
        return "250 2.0.0 Queued"

    def authenticate(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any
    ) -> AuthResult:
        # Any: aiosmtpd passes each mechanism's own data; PLAIN and LOGIN give LoginPassword
        assert isinstance(data, LoginPassword)
        login = (data.login.decode(), data.password.decode())
        if login != CREDENTIALS:
            return AuthResult(success=False, handled=False)
        with self._lock:
            self.logins.append(login[0])
        return AuthResult(success=True)

    # the contract's Receiver

    def fail_next(self, transient: bool) -> None:
        self.reply_at(
            "RCPT",
            "451 4.3.0 Mailbox temporarily unavailable"
            if transient
            else "550 5.1.1 Mailbox unavailable",
        )

    def received(self) -> list[dict[str, object]]:
        return [
            {
                "key": d.message["X-Regflow-Key"],
                "case_id": d.message["X-Regflow-Case"],
                "subject": d.message["Subject"],
                "text": d.message.get_content(),
            }
            for d in self.deliveries
        ]


class _CountingSMTP(SMTP):
    def __init__(self, recorder: Recorder, **kwargs: Any) -> None:
        super().__init__(recorder, **kwargs)
        self.recorder = recorder

    def connection_made(self, transport: Any) -> None:
        with self.recorder._lock:
            self.recorder.connections += 1
        super().connection_made(transport)


class _Controller(Controller):
    def factory(self) -> SMTP:
        return _CountingSMTP(self.handler, **self.SMTP_kwargs)


def _free_port() -> int:
    # aiosmtpd's controller checks the server by connecting to the port it was given
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port: int = probe.getsockname()[1]
    return port


class SMTPServer:
    """A running aiosmtpd server on 127.0.0.1 with a :class:`Recorder` as its handler.

    ``starttls``: the server offers STARTTLS with this context (and then takes AUTH only
    after it); ``implicit``: the server speaks TLS from the first byte (SMTPS).
    """

    def __init__(
        self, *, starttls: ssl.SSLContext | None = None, implicit: ssl.SSLContext | None = None
    ) -> None:
        self.recorder = Recorder()
        self.port = _free_port()
        self._controller = _Controller(
            self.recorder,
            hostname="127.0.0.1",
            port=self.port,
            ssl_context=implicit,
            tls_context=starttls,
            require_starttls=starttls is not None,
            # AUTH only over TLS; aiosmtpd counts only STARTTLS as TLS, so an implicit
            # TLS server takes it as any (its every byte is TLS)
            auth_require_tls=starttls is not None,
            authenticator=self.recorder.authenticate,
        )

    def __enter__(self) -> Recorder:
        self._controller.start()
        self.recorder.connections = 0  # the controller's own check connected once
        self.recorder.port = self.port
        return self.recorder

    def __exit__(self, *exc_info: object) -> None:
        self._controller.stop()


@attrs.frozen
class Certificates:
    """A throwaway CA and a certificate it issued for 127.0.0.1 and localhost."""

    ca: trustme.CA
    ca_file: Path

    def server_context(self, *names: str) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self.ca.issue_cert(*(names or ("127.0.0.1", "localhost"))).configure_cert(context)
        return context

    def client_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=str(self.ca_file))


def make_certificates(directory: Path) -> Certificates:
    """A fresh CA, its certificate written to ``directory/ca.pem``."""
    ca = trustme.CA(organization_name="regflow tests")
    ca_file = directory / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    return Certificates(ca, ca_file)


@pytest.fixture
def certificates(tmp_path: Path) -> Certificates:
    return make_certificates(tmp_path)


@pytest.fixture
def server() -> Iterator[Recorder]:
    with SMTPServer() as running:
        yield running


def notifier_for(server: Recorder, **options: object) -> SMTPNotifier:
    return SMTPNotifier(
        "127.0.0.1",
        server.port,
        sender=SENDER,
        timeout=5.0,
        clock=FixedClock(T0),
        **options,  # type: ignore[arg-type]
    )


class TestSMTPNotifierContract(NotifierContract):
    @pytest.fixture
    def receiver(self, server: Recorder) -> Recorder:
        return server

    @pytest.fixture
    def notifier(self, receiver: Recorder) -> SMTPNotifier:
        return notifier_for(receiver)


# -- the message ------------------------------------------------------------------


def test_the_message_carries_key_case_and_a_message_id_from_the_key(server):
    notifier = notifier_for(server)
    first = russian_notice("petrova@city.example")
    notifier.send(first)
    notifier.send(first)
    notifier.send(attrs.evolve(first, key="another", case_id=None))
    repeat, again, other = (d.message for d in server.deliveries)

    assert repeat["X-Regflow-Key"] == first.key
    assert repeat["X-Regflow-Case"] == "c-2025-000123"
    assert re.fullmatch(r"<regflow\.[0-9a-f]{32}@city\.example>", repeat["Message-ID"])
    assert again["Message-ID"] == repeat["Message-ID"]
    assert other["Message-ID"] != repeat["Message-ID"]
    assert "X-Regflow-Case" not in other

    assert repeat["From"] == SENDER
    assert repeat["To"] == "petrova@city.example"
    assert repeat["Date"].datetime == T0
    assert repeat["Auto-Submitted"] == "auto-generated"
    assert repeat.get_content_type() == "text/plain"
    assert repeat.get_content_charset() == "utf-8"


def test_the_envelope_and_the_raw_message_are_plain_ascii(server):
    notifier_for(server).send(russian_notice("petrova@city.example"))
    [delivery] = server.deliveries
    assert not delivery.tls
    assert delivery.mail_from == "noreply@city.example"
    assert delivery.rcpt_to == ("petrova@city.example",)
    assert delivery.raw.isascii()  # 7-bit: any relay takes it
    assert max(len(line) for line in delivery.raw.splitlines()) <= 78


def test_a_cyrillic_domain_is_sent_in_punycode(server):
    notifier_for(server).send(russian_notice("petrova@адм.рф"))
    assert server.deliveries[0].rcpt_to == ("petrova@xn--80aiy.xn--p1ai",)


def test_a_subject_with_line_breaks_becomes_one_line(server):
    notifier_for(server).send(russian_notice("petrova@city.example", subject="Срок\r\nистёк\n"))
    assert server.deliveries[0].message["Subject"] == "Срок истёк"


def test_a_login_is_made_when_credentials_are_given(server):
    notifier_for(server, username="regflow", password="s3cret").send(
        russian_notice("petrova@city.example")
    )
    assert server.logins == ["regflow"]
    assert len(server.deliveries) == 1


# -- errors ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stage", "reply", "transient"),
    [
        ("EHLO", "421 4.3.2 Service not available, closing channel", True),
        ("MAIL", "451 4.3.0 Local error in processing", True),
        ("MAIL", "553 5.1.8 Sender address rejected", False),
        ("RCPT", "450 4.2.1 Mailbox busy", True),
        ("RCPT", "452 4.2.2 Mailbox full", True),
        ("RCPT", "550 5.1.1 No such user", False),
        ("RCPT", "553 5.1.3 Mailbox name not allowed", False),
        ("DATA", "451 4.7.1 Greylisted, try again later", True),
        ("DATA", "554 5.7.1 Message refused as spam", False),
    ],
)
def test_smtp_replies_map_to_delivery_errors(server, stage, reply, transient):
    server.reply_at(stage, reply)
    with pytest.raises(DeliveryError) as caught:
        notifier_for(server).send(russian_notice("petrova@city.example"))
    assert caught.value.transient is transient
    assert caught.value.code == reply[:3]
    assert reply[4:] in str(caught.value)
    assert server.deliveries == []


def test_wrong_credentials_are_permanent(server):
    notifier = notifier_for(server, username="regflow", password="wrong")
    with pytest.raises(DeliveryError) as caught:
        notifier.send(russian_notice("petrova@city.example"))
    assert (caught.value.transient, caught.value.code) == (False, "535")


# -- TLS: STARTTLS and implicit TLS, with a throwaway CA ---------------------------------


def test_starttls_upgrades_before_the_login_and_the_message(certificates):
    with SMTPServer(starttls=certificates.server_context()) as server:
        notifier = notifier_for(
            server,
            starttls=True,
            tls_context=certificates.client_context(),
            username="regflow",
            password="s3cret",
        )
        notifier.send(russian_notice("petrova@city.example"))
    assert server.logins == ["regflow"]  # the server takes AUTH only over TLS
    [delivery] = server.deliveries
    assert delivery.tls
    assert delivery.message["X-Regflow-Key"] == russian_notice("x@y").key


def test_without_starttls_a_server_that_requires_it_refuses_permanently(certificates):
    server = SMTPServer(starttls=certificates.server_context())
    with server as recorder, pytest.raises(DeliveryError) as caught:
        notifier_for(recorder).send(russian_notice("petrova@city.example"))
    assert not caught.value.transient
    assert caught.value.code == "530"  # 5.7.0 Must issue a STARTTLS command first
    assert recorder.deliveries == []


def test_implicit_tls_delivers(certificates):
    with SMTPServer(implicit=certificates.server_context()) as server:
        notifier = notifier_for(
            server,
            ssl=True,
            tls_context=certificates.client_context(),
            username="regflow",
            password="s3cret",
        )
        notifier.send(russian_notice("petrova@city.example"))
    [delivery] = server.deliveries
    assert delivery.tls
    assert server.logins == ["regflow"]


def tls_server(mode: str, context: ssl.SSLContext) -> SMTPServer:
    """A server that speaks TLS as ``mode`` (the notifier's option) says."""
    return SMTPServer(starttls=context) if mode == "starttls" else SMTPServer(implicit=context)


@pytest.mark.parametrize("mode", ["starttls", "ssl"])
def test_a_certificate_the_system_does_not_trust_is_refused(certificates, mode):
    # without tls_context the notifier trusts the system's CAs only, not the throwaway one
    server = tls_server(mode, certificates.server_context())
    with server as recorder, pytest.raises(DeliveryError, match="CERTIFICATE_VERIFY_FAILED"):
        notifier_for(recorder, **{mode: True}).send(russian_notice("petrova@city.example"))
    assert recorder.deliveries == []


@pytest.mark.parametrize("mode", ["starttls", "ssl"])
def test_a_certificate_for_another_host_is_refused(certificates, mode):
    with tls_server(mode, certificates.server_context("mail.other.example")) as server:
        notifier = notifier_for(server, tls_context=certificates.client_context(), **{mode: True})
        with pytest.raises(DeliveryError, match=r"IP address mismatch|Hostname mismatch"):
            notifier.send(russian_notice("petrova@city.example"))
    assert server.deliveries == []


def test_starttls_the_server_lacks_is_permanent(server):
    with pytest.raises(DeliveryError) as caught:
        notifier_for(server, starttls=True).send(russian_notice("petrova@city.example"))
    assert not caught.value.transient
    assert "STARTTLS" in str(caught.value)


def test_tls_to_a_plain_server_fails_and_delivers_nothing(server):
    with pytest.raises(DeliveryError):
        notifier_for(server, ssl=True).send(russian_notice("petrova@city.example"))
    assert server.deliveries == []


def test_a_refused_connection_is_transient():
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]
    notifier = SMTPNotifier("127.0.0.1", port, sender=SENDER, timeout=2.0, clock=FixedClock(T0))
    with pytest.raises(DeliveryError) as caught:
        notifier.send(russian_notice("petrova@city.example"))
    assert caught.value.transient
    assert "ConnectionRefusedError" in str(caught.value)


def test_a_server_that_never_greets_times_out_transiently():
    with socket.create_server(("127.0.0.1", 0)) as silent:  # listens, never answers
        notifier = SMTPNotifier(
            "127.0.0.1", silent.getsockname()[1], sender=SENDER, timeout=0.2, clock=FixedClock(T0)
        )
        with pytest.raises(DeliveryError) as caught:
            notifier.send(russian_notice("petrova@city.example"))
    assert caught.value.transient


@pytest.mark.parametrize(
    "address",
    ["petrova", "petrova@", "@city.example", "Петрова", "a b@city.example", "a@b, c@d", ""],
)
def test_an_address_that_is_not_an_e_mail_is_permanent_and_never_sent(server, address):
    with pytest.raises(DeliveryError) as caught:
        notifier_for(server).send(russian_notice(address))
    assert not caught.value.transient
    assert server.connections == 0


def test_a_header_injection_through_the_address_is_refused(server):
    with pytest.raises(DeliveryError):
        notifier_for(server).send(russian_notice("a@city.example\r\nBcc: all@city.example"))
    assert server.connections == 0


# -- configuration ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "options",
    [
        {"sender": "noreply"},
        {"sender": "Регламент"},
        {"sender": "a@b", "starttls": True, "ssl": True},
        {"sender": "a@b", "username": "regflow"},
        {"sender": "a@b", "password": "secret"},
        {"sender": "a@b", "username": "regflow", "password": "пароль"},
        {"sender": "a@b", "tls_context": ssl.create_default_context()},
    ],
)
def test_a_wrong_configuration_is_refused_at_once(options):
    with pytest.raises(ValueError):  # noqa: PT011 -- each case has its own message
        SMTPNotifier("127.0.0.1", 25, clock=FixedClock(T0), **options)
