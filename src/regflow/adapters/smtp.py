"""A :class:`~regflow.ports.Notifier` that sends e-mail through an SMTP server (stdlib only).

One notification is one plain-text UTF-8 message over one connection. Its
``Message-ID`` is derived from the notification's key, so a repeat (after a
lost reply, say) carries the same id and a mail client or archive can tell;
``X-Regflow-Key`` and ``X-Regflow-Case`` carry the key and the case.
"""

from __future__ import annotations

import contextlib
import email.utils
import hashlib
import smtplib
import ssl as tls
from email.errors import HeaderParseError
from email.header import Header
from email.headerregistry import Address
from email.message import EmailMessage
from typing import TYPE_CHECKING

from regflow.errors import DeliveryError
from regflow.ports.effects import Clock, Notification

__all__ = ["SMTPNotifier"]


class SMTPNotifier:
    """Sends each notification as an e-mail to its ``address``.

    Args:
        host: the SMTP server (the organisation's mail server or a relay).
        port: its port: 25 or 587 (with ``starttls``), 465 (with ``ssl``).
        sender: the ``From`` address, with a display name if wanted
            (``"Регламент <noreply@city.example>"``); its domain ends the
            ``Message-ID``.
        username: log in with this name (after STARTTLS) if given.
        password: and this password.
        starttls: upgrade the connection with STARTTLS before anything else.
        ssl: speak TLS from the start (SMTPS).
        tls_context: how TLS checks the server (for ``starttls`` and ``ssl``);
            if None, :func:`ssl.create_default_context`: the system's CAs and
            the host name checked. For a server whose certificate another CA
            signed, ``ssl.create_default_context(cafile="ca.pem")``.
        timeout: seconds for connecting and for each reply.
        clock: where the ``Date`` header comes from.

    Raises:
        ValueError: ``sender`` is not an e-mail address; both ``starttls`` and
            ``ssl``; a ``tls_context`` with neither; a password without a user
            name or the reverse; a user name or password that is not ASCII
            (smtplib cannot send it).

    :meth:`send` raises :class:`~regflow.errors.DeliveryError`, transient for
    a refused or dropped connection, a timeout or a 4xx reply, permanent for a
    5xx reply, an extension the server lacks (STARTTLS) and an ``address``
    that is not an e-mail address. ``code`` is the SMTP reply code.
    """

    def __init__(
        self,
        host: str,
        port: int,
        *,
        sender: str,
        username: str | None = None,
        password: str | None = None,
        starttls: bool = False,
        ssl: bool = False,
        tls_context: tls.SSLContext | None = None,
        timeout: float = 10.0,
        clock: Clock,
    ) -> None:
        if starttls and ssl:
            raise ValueError("choose starttls (upgrade a plain connection) or ssl, not both")
        if tls_context is not None and not (starttls or ssl):
            raise ValueError("a tls_context is for starttls or ssl; neither is set")
        if (username is None) != (password is None):
            raise ValueError("give both username and password, or neither")
        if not f"{username or ''}{password or ''}".isascii():
            raise ValueError("smtplib sends the user name and password as ASCII only")
        self.host = host
        self.port = port
        self.sender = sender
        self.username = username
        self._password = password
        self.starttls = starttls
        self.ssl = ssl
        self.timeout = timeout
        self._tls_context = tls_context
        self._clock = clock
        envelope_sender = _mailbox(email.utils.parseaddr(sender)[1])
        if envelope_sender is None:
            raise ValueError(f"sender {sender!r} is not an e-mail address")
        self._envelope_sender = envelope_sender

    def send(self, notification: Notification) -> None:
        """Send ``notification`` as one e-mail, over a connection of its own.

        Raises:
            DeliveryError: the server refused it or could not be reached; see
                the class for which errors are transient.
        """
        recipient = _mailbox(notification.address)
        if recipient is None:
            raise DeliveryError(
                f"{notification.address!r} is not an e-mail address", transient=False
            )
        message = self._compose(notification, recipient)
        try:
            self._submit(message, recipient)
        except smtplib.SMTPRecipientsRefused as exc:
            code, reply = exc.recipients[recipient]
            raise _refused(code, reply, recipient) from exc
        except smtplib.SMTPAuthenticationError as exc:
            # RFC 4954 §6: 535 5.7.8 "Authentication credentials invalid", 534 5.7.9 "mechanism
            # too weak", 530 5.7.0 "Authentication required": every message would meet it
            error = _refused(exc.smtp_code, exc.smtp_error, recipient)
            raise DeliveryError(
                f"SMTP server refused the login: {error}",
                transient=False,
                code=error.code,
                credentials=True,
            ) from exc
        except smtplib.SMTPResponseException as exc:
            raise _refused(exc.smtp_code, exc.smtp_error, recipient) from exc
        except smtplib.SMTPServerDisconnected as exc:
            raise DeliveryError(
                f"SMTP server dropped the connection: {exc}", transient=True
            ) from exc
        except smtplib.SMTPException as exc:  # a missing extension or auth method: configuration
            raise DeliveryError(
                f"SMTP server cannot take the message: {exc}", transient=False
            ) from exc
        except OSError as exc:  # refused, unreachable, timed out, TLS failed
            raise DeliveryError(
                f"SMTP server {self.host}:{self.port} unreachable: {exc!r}", transient=True
            ) from exc

    def _compose(self, notification: Notification, recipient: str) -> EmailMessage:
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = recipient
        message["Date"] = email.utils.format_datetime(self._clock.now())
        digest = hashlib.sha256(notification.key.encode()).hexdigest()[:32]
        message["Message-ID"] = f"<regflow.{digest}@{self._envelope_sender.partition('@')[2]}>"
        message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies, please
        _set_text(message, "Subject", " ".join(notification.subject.splitlines()))
        _set_text(message, "X-Regflow-Key", notification.key)
        if notification.case_id is not None:
            _set_text(message, "X-Regflow-Case", notification.case_id)
        # base64 keeps the message 7-bit, so any relay takes it without 8BITMIME
        message.set_content(notification.text, cte="base64")
        return message

    def _submit(self, message: EmailMessage, recipient: str) -> None:
        context = self._tls_context or tls.create_default_context()
        if self.ssl:
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                self.host, self.port, timeout=self.timeout, context=context
            )
        else:
            smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        try:
            if self.starttls:
                smtp.starttls(context=context)
            if self.username is not None and self._password is not None:
                smtp.login(self.username, self._password)
            smtp.send_message(message, self._envelope_sender, [recipient])
        finally:
            # once the message is accepted, a failed QUIT must not turn it into a failure
            with contextlib.suppress(OSError):
                smtp.quit()
            smtp.close()


def _mailbox(value: str) -> str | None:
    """``value`` as an ASCII addr-spec (the domain IDNA-encoded), or None if it is not one."""
    try:
        address = Address(addr_spec=value.strip())
        domain = address.domain.encode("idna").decode("ascii")
    except (ValueError, IndexError, HeaderParseError):  # IndexError: the parser on "a@"
        return None
    if not address.username or not domain:
        return None
    return f"{address.username}@{domain}"


def _set_text(message: EmailMessage, name: str, value: str) -> None:
    if value.isascii():
        message[name] = value
    else:
        # email's own folder loses spaces between encoded words; Header's does not
        message.set_raw(name, Header(value, "utf-8", header_name=name).encode())


def _refused(code: int, reply: bytes | str, recipient: str) -> DeliveryError:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else reply
    return DeliveryError(
        f"SMTP server refused the message to {recipient}: {code} {text}",
        transient=not (500 <= code < 600),
        code=str(code),
    )


if TYPE_CHECKING:
    from regflow.ports import Notifier

    def _checked(clock: Clock) -> Notifier:
        return SMTPNotifier("localhost", 25, sender="regflow@localhost", clock=clock)
