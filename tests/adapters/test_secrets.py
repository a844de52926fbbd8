"""Secrets stay secret (issue 15, part 5): distinctive tokens and passwords are pushed
through every adapter and the CLI, servers echo them back in their errors, and the store
file, the captured logs and the output are searched for them."""

from __future__ import annotations

import http.server
import json
import logging
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote

import httpx
import pytest

from regflow._redact import redact
from regflow.adapters.smtp import SMTPNotifier
from regflow.adapters.sqlite import SQLiteStore
from regflow.adapters.telegram import TelegramPublisher
from regflow.adapters.vk import VKPublisher
from regflow.adapters.webhook import WebhookNotifier
from regflow.core import Place
from regflow.errors import DeliveryError, PublishError
from regflow.ports.effects import Notification, PublicationRequest
from regflow.rules import Platform
from regflow.testing.fakes import FixedClock
from regflow.testing.sample import at, message
from regflow.testing.service_scenarios import answered_request, make
from tests.adapters import test_smtp as smtp_tests
from tests.adapters.test_smtp import SMTPServer
from tests.cli.test_cli import Run, ingested, run, store  # noqa: F401 (fixtures)

TELEGRAM_TOKEN = "7345112233:AAH-telegram-SECRET-0001"
VK_TOKEN = "vk1.a.VK-SECRET-0002-abcdef"
WEBHOOK_PASSWORD = "WEBHOOK-PASSWORD-0003"
WEBHOOK_TOKEN = "WEBHOOK-QUERY-0004"
WEBHOOK_SIGNING = "WEBHOOK-SIGNING-0005"
SMTP_PASSWORD = "SMTP-PASSWORD-0006"
SECRETS = (
    TELEGRAM_TOKEN,
    TELEGRAM_TOKEN.split(":")[1],
    VK_TOKEN,
    WEBHOOK_PASSWORD,
    WEBHOOK_TOKEN,
    WEBHOOK_SIGNING,
    SMTP_PASSWORD,
)
T0 = at("2025-11-24 10:20")


def leaked(*texts: str | bytes) -> list[str]:
    """The secrets found in ``texts`` (plain or percent-encoded)."""
    found = []
    for text in texts:
        plain = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
        for secret in SECRETS:
            if secret in plain or secret in unquote(plain):
                found.append(secret)
    return found


@pytest.fixture
def logs(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    with caplog.at_level(logging.DEBUG):
        yield caplog


def echo(status: int, **extra: object) -> httpx.MockTransport:
    """A server whose error text repeats the request: its URL and its body."""

    def handle(request: httpx.Request) -> httpx.Response:
        said = f"rejected {request.url} with {request.content.decode()}"
        body = {"ok": False, "error_code": status, "description": said, **extra}
        return httpx.Response(status, json=body)

    return httpx.MockTransport(handle)


def test_redact_hides_the_shapes_secrets_take() -> None:
    text = (
        f"https://api.telegram.org/bot{TELEGRAM_TOKEN}/sendMessage "
        f"https://hook:{WEBHOOK_PASSWORD}@hooks.example.org/in?token={WEBHOOK_TOKEN} "
        f"access_token={VK_TOKEN}&v=5.199"
    )
    assert leaked(redact(text)) == []
    assert redact(text).count("***") == 4
    assert redact(f"plain {SMTP_PASSWORD}", [SMTP_PASSWORD]) == "plain ***"
    assert redact("the word secret and a key", ["s"]) == "the word secret and a key"


def test_telegram_keeps_its_token_out_of_logs_and_errors(logs: pytest.LogCaptureFixture) -> None:
    bot = TelegramPublisher(TELEGRAM_TOKEN, client=httpx.Client(transport=echo(400)))
    request = PublicationRequest(
        key="c-1/draft-1",
        case_id="c-1",
        platform=Platform.TELEGRAM,
        place=Place(chat_id="-1001234567890", message_id="5"),
        text="Ответ",
    )
    with pytest.raises(PublishError) as raised:
        bot.publish(request)
    bot.close()
    assert "bot***/sendMessage" in str(raised.value)
    assert any(r.name == "httpx" and "HTTP Request" in r.getMessage() for r in logs.records)
    assert leaked(str(raised.value), logs.text) == []


def test_the_filter_goes_when_the_adapter_closes() -> None:
    bot = TelegramPublisher(TELEGRAM_TOKEN)
    assert any(f for f in logging.getLogger("httpx").filters if TELEGRAM_TOKEN in f.secrets)  # type: ignore[attr-defined]
    bot.close()
    assert not [f for f in logging.getLogger("httpx").filters if TELEGRAM_TOKEN in f.secrets]  # type: ignore[attr-defined]


def test_smtp_keeps_its_password_out_of_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(smtp_tests, "CREDENTIALS", ("regflow", SMTP_PASSWORD))
    with SMTPServer() as server:
        server.reply_at("RCPT", f"550 5.7.1 relaying denied for {SMTP_PASSWORD}")
        notifier = SMTPNotifier(
            "127.0.0.1",
            server.port,
            sender="regflow@example.org",
            username="regflow",
            password=SMTP_PASSWORD,
            timeout=5.0,
            clock=FixedClock(T0),
        )
        notification = Notification(
            key="k-1", recipient="sokolova", address="curator@example.org", subject="s", text="t"
        )
        with pytest.raises(DeliveryError) as raised:
            notifier.send(notification)
    assert "550" in str(raised.value)
    assert leaked(str(raised.value)) == []


def test_vk_and_webhook_secrets_reach_neither_the_store_nor_the_logs(
    tmp_path: Path, logs: pytest.LogCaptureFixture
) -> None:
    """A VK error that echoes the token becomes a hashed event and a notice to the curator;
    the notice goes to a webhook whose 400 echoes its URL. None of it keeps a secret."""
    path = tmp_path / "regflow.db"
    vk = VKPublisher(
        VK_TOKEN,
        group_id=100000001,
        client=httpx.Client(
            transport=echo(
                200,
                error={
                    "error_code": 15,
                    "error_msg": f"Access denied: access_token={VK_TOKEN} for {VK_TOKEN}",
                },
            )
        ),
    )
    url = f"https://hook:{WEBHOOK_PASSWORD}@hooks.example.org/in?token={WEBHOOK_TOKEN}"

    def forbid(request: httpx.Request) -> httpx.Response:
        return httpx.Response(400, extensions={"reason_phrase": f"no, {request.url}".encode()})

    webhook = WebhookNotifier(
        url,
        secret=WEBHOOK_SIGNING,
        client=httpx.Client(transport=httpx.MockTransport(forbid)),
        clock=FixedClock(T0),
    )
    with SQLiteStore(path) as db:
        service, _notifier, _clock = make(db, vk)
        service.notifier = webhook
        case_id, _ = service.intake(
            message(at("2025-11-24 09:00")), organization="blagoveshchensk", actor="sokolova"
        )
        answered_request(service, case_id)
        first = service.dispatch(T0)
        second = service.dispatch(T0)
        assert first.failed + second.failed >= 2  # the publication, then the notice
        reasons = [
            e.data.reason for e in service.case(case_id).events if e.type == "publication_failed"
        ]
    vk.close()
    webhook.close()
    assert reasons
    assert "error 15" in reasons[0]
    stored = path.read_bytes()
    assert b"no, https://hook:***@hooks.example.org/in?token=***" in stored
    assert leaked(stored, logs.text, *reasons) == []


class _Echo(http.server.BaseHTTPRequestHandler):
    """A webhook receiver that refuses with the request's own path and query."""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(400, f"forbidden {self.path}")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def echo_server() -> Iterator[int]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Echo)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def test_the_cli_keeps_secrets_out_of_its_output_logs_and_store(
    run: Run,  # noqa: F811
    ingested: str,  # noqa: F811
    echo_server: int,
    monkeypatch: pytest.MonkeyPatch,
    logs: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setenv("REGFLOW_WEBHOOK_SECRET", WEBHOOK_SIGNING)
    monkeypatch.setenv("REGFLOW_TELEGRAM_TOKEN", TELEGRAM_TOKEN)
    assert run("tick", "--store", ingested, "--now", "2025-11-24 09:45")[0] == 0
    target = (
        f"webhook+http://hook:{WEBHOOK_PASSWORD}@127.0.0.1:{echo_server}/in?token={WEBHOOK_TOKEN}"
    )
    code, out, err = run(
        "-v",
        "dispatch",
        "--store",
        ingested,
        "--now",
        "2025-11-24 09:46",
        "--notify",
        target,
        "--publish",
        f"telegram:{Path(ingested).parent / 'sent.jsonl'}",
    )
    assert code == 0, err
    assert "2 failed" in out
    assert "forbidden /in?token=***" in err  # the service's log line (-v)
    assert "HTTP Request: POST http://hook:***@127.0.0.1" in logs.text  # httpx's, filtered
    stored = Path(ingested).read_bytes()
    assert b"forbidden /in?token=***" in stored
    assert leaked(out, err, logs.text, stored) == []
    code, out, err = run("cases", "--store", ingested, "--all", "--format", "json")
    assert leaked(out, err, json.dumps(out)) == []
