"""Secrets out of every log line, error and stored text.

One helper for the whole library: :func:`redact` replaces the secrets an
adapter knows (a bot token, a password, a webhook's query token) and the
shapes secrets take in URLs whoever wrote them (a URL's password, a Telegram
bot token in a path, ``token=``-like query parameters) with ``***``.

Adapters use it twice. :func:`redacting` wraps the methods that raise their
errors, so a server's error text that echoes a request URL never reaches an
event's hash, the outbox or a curator's mail with the token in it.
:class:`RedactingFilter` is installed by :func:`guard_loggers` on the loggers
of the HTTP client (httpx logs every request's URL at INFO, and Telegram's
token is part of it) and removed again when the adapter closes.

This module sits at the bottom, beside :mod:`regflow.errors`: it imports
nothing of regflow's but the errors.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Concatenate, ParamSpec, Protocol, TypeVar
from urllib.parse import quote, urlsplit, urlunsplit

from regflow.errors import RegflowError

__all__ = [
    "HTTP_LOGGERS",
    "MASK",
    "RedactingFilter",
    "guard_loggers",
    "redact",
    "redact_target",
    "redacting",
    "unguard_loggers",
]

MASK = "***"
MIN_SECRET = 6
"""Secrets shorter than this are not replaced word for word (they would mask ordinary
words); the URL shapes below still hide them."""

HTTP_LOGGERS = (
    "httpx",
    "httpcore",
    "httpcore.connection",
    "httpcore.http11",
    "httpcore.http2",
    "httpcore.proxy",
    "httpcore.socks",
)
"""The loggers of httpx and httpcore. A logger's filter sees only what is logged to that
logger itself, not what its children pass up, so each one that logs is named."""

_PATTERNS = (
    # a URL's password: scheme://user:password@host
    (re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://[^:/?#@\s]*):[^@/?#\s]*@"), rf"\1:{MASK}@"),
    # a Telegram bot token in a Bot API path: /bot123456:AA.../
    (re.compile(r"/bot\d+:[A-Za-z0-9_-]+"), f"/bot{MASK}"),
    # query or form parameters that carry credentials
    (
        re.compile(
            r"(?i)([?&;]|\b)((?:access_|api_?|auth_?|bot_?|refresh_|session_?)?"
            r"(?:token|key|secret|password|passwd|pwd|sig|signature))=[^&#\s\"'<>]*"
        ),
        rf"\1\2={MASK}",
    ),
)


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """``text`` with ``secrets`` (and their percent-encoded forms) and URL-shaped
    credentials replaced by ``***``.

    >>> redact("POST https://api.telegram.org/bot123:AAH-x_y/sendMessage 502")
    'POST https://api.telegram.org/bot***/sendMessage 502'
    >>> redact("https://hook:pa55@hooks.example.org/in?token=t0k&x=1")
    'https://hook:***@hooks.example.org/in?token=***&x=1'
    >>> redact("denied for s3cr3t-value", ["s3cr3t-value"])
    'denied for ***'
    """
    for secret in sorted({s for s in secrets if len(s) >= MIN_SECRET}, key=len, reverse=True):
        for form in {secret, quote(secret, safe=""), quote(secret)}:
            text = text.replace(form, MASK)
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def redact_target(target: str) -> str:
    """A target fit to print: a URL's password is left out.

    >>> redact_target("postgresql://regflow:s3cret@db.city.example:5432/regflow")
    'postgresql://regflow@db.city.example:5432/regflow'
    """
    parts = urlsplit(target)
    if parts.scheme and parts.password is not None:
        host = parts.hostname or ""
        netloc = f"{parts.username}@{host}" if parts.username else host
        if parts.port is not None:
            netloc += f":{parts.port}"
        return urlunsplit(parts._replace(netloc=netloc))
    return target


class RedactingFilter(logging.Filter):
    """A logging filter that redacts each record's message (its arguments merged in)
    and its traceback text; it drops nothing."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self.secrets = tuple(secrets)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message, self.secrets)
        if cleaned != message or record.args:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text, self.secrets)
        return True


def guard_loggers(secrets: Iterable[str], names: Sequence[str] = HTTP_LOGGERS) -> RedactingFilter:
    """Install a :class:`RedactingFilter` for ``secrets`` on the loggers ``names``;
    give what it returns to :func:`unguard_loggers` when the secrets' owner closes."""
    guard = RedactingFilter(secrets)
    for name in names:
        logging.getLogger(name).addFilter(guard)
    return guard


def unguard_loggers(guard: RedactingFilter, names: Sequence[str] = HTTP_LOGGERS) -> None:
    """Remove a filter :func:`guard_loggers` installed."""
    for name in names:
        logging.getLogger(name).removeFilter(guard)


class HoldsSecrets(Protocol):
    """An adapter that knows its secrets."""

    @property
    def secrets(self) -> tuple[str, ...]:
        """The strings never to show: tokens, passwords, query tokens."""
        ...


S = TypeVar("S", bound=HoldsSecrets)
P = ParamSpec("P")
R = TypeVar("R")


def redacting(method: Callable[Concatenate[S, P], R]) -> Callable[Concatenate[S, P], R]:
    """Wrap an adapter's method so that the regflow errors it raises carry no secret:
    their text is redacted (the error is the same object, with its fields and cause)."""

    @functools.wraps(method)
    def wrapper(self: S, /, *args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return method(self, *args, **kwargs)
        except RegflowError as error:
            error.args = tuple(
                redact(a, self.secrets) if isinstance(a, str) else a for a in error.args
            )
            raise

    return wrapper
