"""The webhook notifier: contract and error matrix on httpx.MockTransport; one real HTTP server."""

from __future__ import annotations

import datetime as dt
import email.utils
import http.server
import json
import threading
from collections.abc import Callable, Iterator
from urllib.parse import unquote

import httpx
import pytest

import regflow
from regflow.adapters.webhook import WebhookNotifier, sign, verify_signature
from regflow.errors import DeliveryError
from regflow.testing.fakes import FixedClock
from regflow.testing.notifier_contract import NotifierContract, russian_notice

SECRET = "s3cret-ключ"
URL = "https://hooks.city.example/regflow/T0KEN?sig=abc"
T0 = dt.datetime(2025, 11, 24, 14, 30, tzinfo=dt.timezone(dt.timedelta(hours=9)))
Handler = Callable[[httpx.Request], httpx.Response]


class Receiver:
    """A webhook endpoint as a function for httpx.MockTransport: checks the signature, records."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.failures: list[int] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        signature = request.headers.get("X-Regflow-Signature")
        if not verify_signature(request.content, SECRET, signature):
            return httpx.Response(401)
        if self.failures:
            return httpx.Response(self.failures.pop(0))
        self.requests.append(request)
        return httpx.Response(204)

    def fail_next(self, transient: bool) -> None:
        self.failures.append(503 if transient else 410)

    def received(self) -> list[dict[str, object]]:
        return [json.loads(request.content) for request in self.requests]


@pytest.fixture
def mock_client() -> Iterator[Callable[[Handler], httpx.Client]]:
    """Builds clients on MockTransport(handler) and closes them after the test."""
    clients: list[httpx.Client] = []

    def build(handler: Handler) -> httpx.Client:
        clients.append(httpx.Client(transport=httpx.MockTransport(handler)))
        return clients[-1]

    yield build
    for client in clients:
        client.close()


def notifier_on(client: httpx.Client, **options: object) -> WebhookNotifier:
    return WebhookNotifier(URL, secret=SECRET, client=client, clock=FixedClock(T0), **options)  # type: ignore[arg-type]


class TestWebhookNotifierContract(NotifierContract):
    @pytest.fixture
    def receiver(self) -> Receiver:
        return Receiver()

    @pytest.fixture
    def notifier(
        self, receiver: Receiver, mock_client: Callable[[Handler], httpx.Client]
    ) -> WebhookNotifier:
        return notifier_on(mock_client(receiver))


# -- the request ----------------------------------------------------------------------


def test_the_request_is_signed_json_with_key_and_timestamp(mock_client):
    receiver = Receiver()
    sent = russian_notice("petrova@city.example")
    notifier_on(mock_client(receiver), timeout=3.0).send(sent)
    [request] = receiver.requests

    assert (request.method, str(request.url)) == ("POST", URL)
    assert json.loads(request.content) == {
        "key": sent.key,
        "recipient": "petrova",
        "address": "petrova@city.example",
        "subject": sent.subject,
        "text": sent.text,
        "case_id": "c-2025-000123",
        "kind": "breach",
    }
    assert "Северный район".encode() in request.content  # UTF-8, not \u escapes
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["X-Regflow-Signature"] == sign(request.content, SECRET)
    assert request.headers["X-Regflow-Timestamp"] == str(int(T0.timestamp()))
    assert request.headers["X-Regflow-Key"].isascii()
    assert unquote(request.headers["X-Regflow-Key"]) == sent.key
    assert request.headers["User-Agent"] == f"regflow/{regflow.__version__}"
    assert request.extensions["timeout"] == dict.fromkeys(("connect", "read", "write", "pool"), 3.0)


def test_a_plain_key_travels_unchanged_in_its_header(mock_client):
    receiver = Receiver()
    key = "breach/c-1/answer/-/1732413600/ivanov"
    notifier_on(mock_client(receiver)).send(russian_notice("ivanov", key=key))
    assert receiver.requests[0].headers["X-Regflow-Key"] == key


def test_every_attempt_with_a_key_sends_the_same_body(mock_client):
    receiver = Receiver()
    notifier = notifier_on(mock_client(receiver))
    notifier.send(russian_notice("ivanov"))
    notifier.send(russian_notice("ivanov"))
    first, second = receiver.requests
    assert first.content == second.content


# -- error mapping ------------------------------------------------------------------------


@pytest.mark.parametrize("status", [200, 201, 202, 204])
def test_2xx_is_delivered(mock_client, status):
    notifier_on(mock_client(lambda request: httpx.Response(status))).send(russian_notice("x"))


def answer(status: int, **headers: str) -> Handler:
    return lambda request: httpx.Response(status, headers=headers)


def fail(error: type[httpx.TransportError]) -> Handler:
    def handler(request: httpx.Request) -> httpx.Response:
        raise error("simulated", request=request)

    return handler


RETRY_DATE = email.utils.format_datetime(  # an HTTP-date: "Mon, 24 Nov 2025 05:31:30 GMT"
    (T0 + dt.timedelta(seconds=90)).astimezone(dt.UTC), usegmt=True
)


@pytest.mark.parametrize(
    ("handler", "transient", "retry_after", "code"),
    [
        pytest.param(answer(400), False, None, "400", id="400"),
        pytest.param(answer(401), False, None, "401", id="401"),
        pytest.param(answer(404), False, None, "404", id="404"),
        pytest.param(answer(410, **{"Retry-After": "5"}), False, None, "410", id="410"),
        pytest.param(
            answer(301, Location="https://elsewhere.example/"), False, None, "301", id="301"
        ),
        pytest.param(answer(408), True, None, "408", id="408"),
        pytest.param(answer(425), True, None, "425", id="425"),
        pytest.param(answer(429, **{"Retry-After": "7"}), True, 7.0, "429", id="429-seconds"),
        pytest.param(answer(429, **{"Retry-After": RETRY_DATE}), True, 90.0, "429", id="429-date"),
        pytest.param(answer(429, **{"Retry-After": "soon"}), True, None, "429", id="429-garbage"),
        pytest.param(answer(500), True, None, "500", id="500"),
        pytest.param(answer(503, **{"Retry-After": "120"}), True, 120.0, "503", id="503"),
        pytest.param(fail(httpx.ConnectError), True, None, "", id="connect-error"),
        pytest.param(fail(httpx.ConnectTimeout), True, None, "", id="connect-timeout"),
        pytest.param(fail(httpx.ReadTimeout), True, None, "", id="read-timeout"),
        pytest.param(fail(httpx.RemoteProtocolError), True, None, "", id="dropped"),
    ],
)
def test_failures_map_to_delivery_errors(mock_client, handler, transient, retry_after, code):
    with pytest.raises(DeliveryError) as caught:
        notifier_on(mock_client(handler)).send(russian_notice("x"))
    error = caught.value
    assert (error.transient, error.retry_after, error.code) == (transient, retry_after, code)
    assert "https://hooks.city.example" in str(error)
    assert "T0KEN" not in str(error)
    assert "sig=" not in str(error)


# -- signatures -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "secret", "header", "valid"),
    [
        (b"{}", SECRET, sign(b"{}", SECRET), True),
        (b"{}", SECRET.encode(), sign(b"{}", SECRET), True),
        (b"{} ", SECRET, sign(b"{}", SECRET), False),
        (b"{}", "other", sign(b"{}", SECRET), False),
        (b"{}", SECRET, sign(b"{}", SECRET).replace("sha256=", "sha1="), False),
        (b"{}", SECRET, sign(b"{}", SECRET).upper(), False),
        (b"{}", SECRET, "sha256=" + "ж" * 64, False),
        (b"{}", SECRET, "", False),
        (b"{}", SECRET, None, False),
    ],
)
def test_verify_signature(body, secret, header, valid):
    assert verify_signature(body, secret, header) is valid


# -- configuration and lifetime ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "secret"),
    [
        ("ftp://hooks.city.example/", SECRET),
        ("hooks.city.example/regflow", SECRET),
        ("https:///regflow", SECRET),
        ("https://hooks.city.example/", ""),
        ("https://hooks.city.example/", b""),
    ],
)
def test_a_wrong_configuration_is_refused_at_once(url, secret):
    with pytest.raises(ValueError):  # noqa: PT011 -- each case has its own message
        WebhookNotifier(url, secret=secret, clock=FixedClock(T0))


def test_a_given_client_is_left_open(mock_client):
    client = mock_client(Receiver())
    with notifier_on(client) as notifier:
        notifier.send(russian_notice("x"))
    assert not client.is_closed


# -- a real HTTP server ------------------------------------------------------------------------


class _Endpoint(http.server.BaseHTTPRequestHandler):
    server: _Server

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        signed = verify_signature(body, SECRET, self.headers["X-Regflow-Signature"])
        self.server.received.append((dict(self.headers), body))
        self.send_response(204 if signed else 401)
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


class _Server(http.server.ThreadingHTTPServer):
    received: list[tuple[dict[str, str], bytes]]


@pytest.fixture
def http_server() -> Iterator[_Server]:
    server = _Server(("127.0.0.1", 0), _Endpoint)
    server.received = []
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    yield server
    server.shutdown()
    thread.join()
    server.server_close()


def test_a_notification_reaches_a_real_http_server_signed(http_server):
    host, port = http_server.server_address[:2]
    sent = russian_notice("petrova@city.example")
    url = f"http://{host}:{port}/hooks/regflow"
    with WebhookNotifier(url, secret=SECRET, clock=FixedClock(T0)) as notifier:
        notifier.send(sent)  # the notifier makes its own client, and closes it on leaving
    [(headers, body)] = http_server.received
    assert verify_signature(body, SECRET, headers["X-Regflow-Signature"])
    assert json.loads(body)["subject"] == sent.subject
    assert unquote(headers["X-Regflow-Key"]) == sent.key
