"""The SMTP notifier against a real SMTP server on 127.0.0.1, written here with socketserver."""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import email
import email.policy
import re
import socket
import socketserver
import threading
from collections.abc import Iterator
from email.message import EmailMessage

import attrs
import pytest

from regflow.adapters.smtp import SMTPNotifier
from regflow.errors import DeliveryError
from regflow.testing.fakes import FixedClock
from regflow.testing.notifier_contract import NotifierContract, russian_notice

SENDER = "Регламент ответов <noreply@city.example>"
T0 = dt.datetime(2025, 11, 24, 14, 30, tzinfo=dt.timezone(dt.timedelta(hours=9)))


@attrs.frozen
class Delivery:
    """One message the server accepted: the envelope and the parsed message."""

    mail_from: str
    rcpt_to: tuple[str, ...]
    raw: bytes
    message: EmailMessage


class SMTPServer(socketserver.ThreadingTCPServer):
    """Enough of SMTP for smtplib: EHLO/HELO, AUTH PLAIN, MAIL, RCPT, DATA, RSET, NOOP, QUIT.

    ``reply_at(stage, reply)`` scripts the next answer at a stage (``CONNECT``,
    ``MAIL``, ``RCPT``, ``DATA`` after the message) instead of accepting.
    """

    def __init__(self, credentials: tuple[str, str] | None = None) -> None:
        super().__init__(("127.0.0.1", 0), _Session)
        self.port: int = self.server_address[1]
        self.credentials = credentials
        self.deliveries: list[Delivery] = []
        self.logins: list[str] = []
        self.connections = 0
        self._scripted: dict[str, list[str]] = {}
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.05})

    def __enter__(self) -> SMTPServer:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.shutdown()
        self._thread.join()
        self.server_close()  # joins the sessions' threads, closes the socket

    def reply_at(self, stage: str, reply: str) -> None:
        with self._lock:
            self._scripted.setdefault(stage, []).append(reply)

    def scripted(self, stage: str) -> str | None:
        with self._lock:
            replies = self._scripted.get(stage)
            return replies.pop(0) if replies else None

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


class _Session(socketserver.StreamRequestHandler):
    server: SMTPServer
    timeout = 10

    def handle(self) -> None:
        with self.server._lock:
            self.server.connections += 1
        with contextlib.suppress(OSError):  # the client went away (a TLS client, say)
            self._converse()

    def _say(self, *lines: str) -> None:
        self.wfile.write("".join(f"{line}\r\n" for line in lines).encode())

    def _converse(self) -> None:
        server = self.server
        refusal = server.scripted("CONNECT")
        if refusal:
            self._say(refusal)
            return
        self._say("220 localhost ESMTP regflow-test")
        mail_from: str | None = None
        rcpt_to: list[str] = []
        while line := self.rfile.readline():
            verb, _, argument = line.decode("utf-8", "replace").rstrip("\r\n").partition(" ")
            verb = verb.upper()
            if verb == "EHLO":
                self._say("250-localhost", "250-8BITMIME", "250 AUTH PLAIN")
            elif verb in ("HELO", "NOOP"):
                self._say("250 OK")
            elif verb == "RSET":
                mail_from, rcpt_to = None, []
                self._say("250 OK")
            elif verb == "QUIT":
                self._say("221 Bye")
                return
            elif verb == "AUTH":
                _, user, password = base64.b64decode(argument.split()[1]).decode().split("\0")
                if (user, password) == server.credentials:
                    server.logins.append(user)
                    self._say("235 2.7.0 Authentication successful")
                else:
                    self._say("535 5.7.8 Authentication credentials invalid")
            elif verb == "MAIL":
                reply = server.scripted("MAIL")
                if reply is None:
                    mail_from = _path(argument)
                self._say(reply or "250 OK")
            elif verb == "RCPT":
                reply = server.scripted("RCPT")
                if reply is None:
                    rcpt_to.append(_path(argument))
                self._say(reply or "250 OK")
            elif verb == "DATA":
                if mail_from is None or not rcpt_to:
                    self._say("503 5.5.1 MAIL and RCPT first")
                    continue
                self._say("354 End data with <CR><LF>.<CR><LF>")
                raw = self._data()
                reply = server.scripted("DATA")
                if reply is None:
                    message = email.message_from_bytes(raw, policy=email.policy.default)
                    assert isinstance(message, EmailMessage)
                    with server._lock:
                        server.deliveries.append(Delivery(mail_from, tuple(rcpt_to), raw, message))
                self._say(reply or "250 2.0.0 Queued")
                mail_from, rcpt_to = None, []
            else:
                self._say("502 5.5.2 Command not recognised")

    def _data(self) -> bytes:
        lines = []
        while (line := self.rfile.readline()) not in (b".\r\n", b""):
            lines.append(line[1:] if line.startswith(b"..") else line)
        return b"".join(lines)


def _path(argument: str) -> str:
    match = re.search(r"<([^>]*)>", argument)
    assert match, argument
    return match.group(1)


@pytest.fixture
def server() -> Iterator[SMTPServer]:
    with SMTPServer(credentials=("regflow", "s3cret")) as running:
        yield running


def notifier_for(server: SMTPServer, **options: object) -> SMTPNotifier:
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
    def receiver(self, server: SMTPServer) -> SMTPServer:
        return server

    @pytest.fixture
    def notifier(self, receiver: SMTPServer) -> SMTPNotifier:
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
        ("CONNECT", "421 4.3.2 Service not available, closing channel", True),
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
    notifier = SMTPNotifier("127.0.0.1", port, sender=SENDER, timeout=2.0)
    with pytest.raises(DeliveryError) as caught:
        notifier.send(russian_notice("petrova@city.example"))
    assert caught.value.transient
    assert "ConnectionRefusedError" in str(caught.value)


def test_a_server_that_never_greets_times_out_transiently():
    with socket.create_server(("127.0.0.1", 0)) as silent:  # listens, never answers
        notifier = SMTPNotifier("127.0.0.1", silent.getsockname()[1], sender=SENDER, timeout=0.2)
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
    ],
)
def test_a_wrong_configuration_is_refused_at_once(options):
    with pytest.raises(ValueError):  # noqa: PT011 -- each case has its own message
        SMTPNotifier("127.0.0.1", 25, **options)
