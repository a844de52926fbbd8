"""A :class:`~regflow.ports.Notifier` that POSTs each notification as signed JSON (needs httpx).

The body is the notification as UTF-8 JSON: ``key``, ``recipient``,
``address``, ``subject``, ``text``, ``case_id``, ``kind``. It is the same bytes
on every attempt with a key, so a receiver drops repeats by ``key``. Headers:

``X-Regflow-Signature``
    ``sha256=`` and the hex HMAC-SHA256 of the raw body under the shared secret.
``X-Regflow-Key``
    the key, percent-encoded as UTF-8 where it is not printable ASCII
    (``urllib.parse.unquote`` gives it back; the body's ``key`` is the same).
``X-Regflow-Timestamp``
    when this attempt was made, in Unix seconds. It is not signed; replays
    are harmless because a receiver drops a key it has seen.

A receiver checks the signature over the body exactly as it arrived, before
parsing it:

>>> body = b'{"key":"breach/c-1/answer","subject":"..."}'
>>> header = sign(body, "s3cret")  # what WebhookNotifier sends
>>> verify_signature(body, "s3cret", header)
True
>>> verify_signature(body + b" ", "s3cret", header), verify_signature(body, "s3cret", None)
(False, False)
"""

from __future__ import annotations

import datetime as dt
import email.utils
import hashlib
import hmac
import json
import threading
from types import TracebackType
from typing import TYPE_CHECKING
from urllib.parse import quote

import attrs
import httpx

from regflow._version import __version__
from regflow.errors import DeliveryError
from regflow.ports.effects import Clock, Notification

__all__ = ["WebhookNotifier", "sign", "verify_signature"]

_RETRIED = frozenset({408, 425, 429})
_KEY_SAFE = "".join(chr(c) for c in range(0x21, 0x7F) if chr(c) != "%")


class WebhookNotifier:
    """POSTs each notification to ``url`` as JSON signed with ``secret``.

    Args:
        url: the receiver's endpoint, ``http`` or ``https``.
        secret: the shared secret of the signature.
        client: the ``httpx.Client`` to send with; its owner closes it. If
            None, the notifier makes one when first needed and closes it in
            :meth:`close`.
        timeout: seconds to connect, send and wait for the answer; applies
            to a given ``client`` too.
        clock: where the timestamp comes from.

    Raises:
        ValueError: ``url`` is not an http(s) URL, or ``secret`` is empty.

    :meth:`send` raises :class:`~regflow.errors.DeliveryError`: transient for
    a transport error (refused, timed out, dropped) or an answer of 408, 425,
    429 or 5xx (``retry_after`` from ``Retry-After``), permanent for any other
    answer but 2xx. ``code`` is the HTTP status. Messages name the URL's
    scheme and host only, since paths and queries often hold tokens.
    """

    def __init__(
        self,
        url: str,
        *,
        secret: str | bytes,
        client: httpx.Client | None = None,
        timeout: float = 10.0,
        clock: Clock,
    ) -> None:
        try:
            parsed = httpx.URL(url)
        except httpx.InvalidURL as exc:
            raise ValueError(f"invalid webhook URL: {exc}") from exc
        if parsed.scheme not in ("http", "https") or not parsed.host:
            raise ValueError("the webhook URL must be an absolute http(s) URL")
        if not secret:
            raise ValueError("the webhook secret must not be empty")
        self.url = url
        self.timeout = timeout
        self._secret = secret
        self._where = f"{parsed.scheme}://{parsed.netloc.decode('ascii')}"
        self._clock = clock
        self._client = client
        self._owns_client = client is None
        self._lock = threading.Lock()

    def send(self, notification: Notification) -> None:
        """POST ``notification`` once.

        Raises:
            DeliveryError: the receiver could not be reached or did not answer
                2xx; see the class for which errors are transient.
        """
        body = json.dumps(
            attrs.asdict(notification), ensure_ascii=False, separators=(",", ":")
        ).encode()
        now = self._clock.now()
        headers = {
            "Content-Type": "application/json",
            "User-Agent": f"regflow/{__version__}",
            "X-Regflow-Key": quote(notification.key, safe=_KEY_SAFE),
            "X-Regflow-Signature": sign(body, self._secret),
            "X-Regflow-Timestamp": str(int(now.timestamp())),
        }
        try:
            response = self._http().post(
                self.url, content=body, headers=headers, timeout=self.timeout
            )
        except httpx.TransportError as exc:
            raise DeliveryError(
                f"webhook {self._where} unreachable: {type(exc).__name__}: {exc}", transient=True
            ) from exc
        if response.is_success:
            return
        status = response.status_code
        transient = status in _RETRIED or 500 <= status < 600
        raise DeliveryError(
            f"webhook {self._where} answered {status} {response.reason_phrase}",
            transient=transient,
            retry_after=_retry_after(response.headers.get("Retry-After"), now)
            if transient
            else None,
            code=str(status),
            # RFC 9110 §15.5.2, §15.5.4: 401 the request lacks valid credentials, 403 they
            # are not enough; the next notification would meet the same
            credentials=status in (401, 403),
        )

    def close(self) -> None:
        """Close the client the notifier made, if any; a given client is left open."""
        with self._lock:
            if self._owns_client and self._client is not None:
                self._client.close()
                self._client = None

    def __enter__(self) -> WebhookNotifier:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def _http(self) -> httpx.Client:
        with self._lock:
            if self._client is None:
                self._client = httpx.Client()
            return self._client


def sign(body: bytes, secret: str | bytes) -> str:
    """The ``X-Regflow-Signature`` value for ``body``: ``sha256=`` and the hex HMAC-SHA256."""
    key = secret.encode() if isinstance(secret, str) else secret
    return "sha256=" + hmac.new(key, body, hashlib.sha256).hexdigest()


def verify_signature(body: bytes, secret: str | bytes, header: str | None) -> bool:
    """Whether ``header`` (``X-Regflow-Signature``, None if absent) signs ``body`` with ``secret``.

    For receivers: pass the raw body as it arrived, before any parsing. The
    comparison takes the same time wherever the signatures differ.
    """
    if header is None or not header.isascii():
        return False
    return hmac.compare_digest(sign(body, secret), header)


def _retry_after(value: str | None, now: dt.datetime) -> float | None:
    """``Retry-After`` in seconds from ``now``: delay-seconds or an HTTP-date; None if neither."""
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:  # RFC 9110 dates are GMT; a naive one came without "GMT"
        when = when.replace(tzinfo=dt.UTC)
    return max((when - now).total_seconds(), 0.0)


if TYPE_CHECKING:
    from regflow.ports import Notifier

    def _checked(clock: Clock) -> Notifier:
        return WebhookNotifier("http://localhost/", secret="s", clock=clock)
