"""A channel whose credentials are refused is paused, not failed item by item (issue 15):
an SMTP 535 or a webhook's 401/403 kept every queued notification failed for good and
nothing sent them again. Against a real SMTP server (aiosmtpd) and a real HTTP server."""

from __future__ import annotations

import datetime as dt
import http.server
import logging
import threading
from collections.abc import Iterator

import pytest

from regflow.adapters.memory import MemoryStore
from regflow.adapters.smtp import SMTPNotifier
from regflow.adapters.webhook import WebhookNotifier
from regflow.ports.effects import Notifier
from regflow.ports.store import OutboxState
from regflow.service import Municipality, Service, open_service
from regflow.testing import FixedClock, KeywordScreener, RecordingPublisher
from regflow.testing import service_scenarios as scenarios
from regflow.testing.sample import at
from tests.adapters.test_smtp import CREDENTIALS, SENDER, Recorder, SMTPServer

START = at("2025-11-24 09:20")


def service_with(store: MemoryStore, notifier: Notifier) -> Service:
    return open_service(
        store=store,
        municipalities=[Municipality(scenarios.ORG, (scenarios.REGULATION,))],
        notifier=notifier,
        publisher=RecordingPublisher(),
        screener=KeywordScreener(),
        clock=FixedClock(at("2025-11-24 09:00")),
    )


def queued(store: MemoryStore) -> int:
    """Two cases routed and assigned: their notices are queued, none sent."""
    service = service_with(store, _Refusing())
    for _ in range(2):
        scenarios.routed_and_assigned(service)
    with store.unit_of_work() as uow:
        return len(uow.outbox.query(state=OutboxState.PENDING))


class _Refusing:
    def send(self, notification: object) -> None:
        raise AssertionError("not sent while queueing")


def states(store: MemoryStore) -> list[str]:
    with store.unit_of_work() as uow:
        return sorted({item.state.value for item in uow.outbox.query(limit=1000)})


@pytest.fixture
def smtp() -> Iterator[Recorder]:
    with SMTPServer() as running:
        yield running


def smtp_notifier(server: Recorder, password: str) -> SMTPNotifier:
    return SMTPNotifier(
        "127.0.0.1",
        server.port,
        sender=SENDER,
        timeout=5.0,
        clock=FixedClock(START),
        username=CREDENTIALS[0],
        password=password,
    )


def test_an_smtp_535_pauses_the_channel_and_the_notifications_go_out_once_fixed(
    smtp: Recorder, caplog: pytest.LogCaptureFixture
) -> None:
    store = MemoryStore()
    count = queued(store)
    assert count >= 4
    wrong = service_with(store, smtp_notifier(smtp, "wrong"))
    with caplog.at_level(logging.ERROR, logger="regflow.service"):
        report = wrong.dispatch(START)
    assert (report.delivered, report.failed, report.paused) == (0, 0, count)
    assert report.paused_channels == ("notify",)
    assert states(store) == ["pending"]  # none failed
    assert len(smtp.deliveries) == 0
    assert len(smtp.logins) == 0
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 1  # one alert, not one per item
    assert "refused its credentials" in errors[0].getMessage()
    # the operator fixes the password; the next rounds send everything, once
    fixed = service_with(store, smtp_notifier(smtp, CREDENTIALS[1]))
    later = START + dt.timedelta(minutes=16)
    assert fixed.dispatch(later).delivered == count
    assert states(store) == ["done"]
    assert len(smtp.deliveries) == count


class _Hook(http.server.BaseHTTPRequestHandler):
    server: _HookServer

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["Content-Length"]))
        self.server.hits += 1
        self.send_response(self.server.status)
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


class _HookServer(http.server.ThreadingHTTPServer):
    status = 401
    hits = 0


@pytest.fixture
def hook() -> Iterator[_HookServer]:
    server = _HookServer(("127.0.0.1", 0), _Hook)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    yield server
    server.shutdown()
    thread.join()
    server.server_close()


@pytest.mark.parametrize("status", [401, 403])
def test_a_webhook_401_or_403_pauses_the_channel(hook: _HookServer, status: int) -> None:
    hook.status = status
    host, port = hook.server_address[:2]
    store = MemoryStore()
    count = queued(store)
    with WebhookNotifier(
        f"http://{host}:{port}/hook", secret="s", clock=FixedClock(START)
    ) as notifier:
        service = service_with(store, notifier)
        report = service.dispatch(START)
        assert (report.failed, report.paused) == (0, count)
        assert hook.hits == 1  # the others were held back, not tried
        assert states(store) == ["pending"]
        hook.status = 204
        assert service.dispatch(START + dt.timedelta(minutes=16)).delivered == count
    assert states(store) == ["done"]
