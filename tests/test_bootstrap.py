"""The composition root: which adapter each target names, the errors of a wrong target,
and the adapters a service gets when none are given."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from regflow import bootstrap
from regflow.adapters.clock import FixedClock, SystemClock
from regflow.adapters.files import JsonlNotifier, JsonlPublisher, PrintingNotifier
from regflow.adapters.manual import ManualPublisher
from regflow.adapters.memory import MemoryStore
from regflow.adapters.screener_ru import RussianScreener
from regflow.adapters.smtp import SMTPNotifier
from regflow.adapters.sqlite import SQLiteStore
from regflow.errors import InvalidTarget, MissingExtra
from regflow.service import Municipality
from regflow.testing.notifier_contract import russian_notice
from tests.adapters.test_smtp import Certificates, SMTPServer, make_certificates
from tests.engine.conftest import ORG, REGULATION, at, message

T0 = dt.datetime(2025, 11, 24, 9, 0, tzinfo=dt.UTC)
ENV = {
    "REGFLOW_SMTP_PASSWORD": "s3cret",
    "REGFLOW_WEBHOOK_SECRET": "hook-secret",
    "REGFLOW_VK_TOKEN": "vk-token",
    "REGFLOW_TELEGRAM_TOKEN": "tg-token",
}


@pytest.fixture
def closing() -> Iterator[contextlib.ExitStack]:
    with contextlib.ExitStack() as stack:
        yield stack


def notifier(target: str, closing: contextlib.ExitStack, **options: object) -> object:
    return bootstrap.notifier(
        target,
        clock=FixedClock(T0),
        on_close=closing.callback,
        environ=options.pop("environ", ENV),  # type: ignore[arg-type]
        **options,  # type: ignore[arg-type]
    )


# -- notifiers ---------------------------------------------------------------------------


def test_log_prints_to_the_given_output(closing: contextlib.ExitStack) -> None:
    out = io.StringIO()
    chosen = notifier("log", closing, out=out)
    assert isinstance(chosen, PrintingNotifier)
    chosen.send(russian_notice("petrova@city.example"))
    assert out.getvalue().startswith("notify [breach] petrova <petrova@city.example>: ")


def test_jsonl_appends_to_the_file_named(closing: contextlib.ExitStack, tmp_path: Path) -> None:
    chosen = notifier(f"jsonl:{tmp_path / 'n.jsonl'}", closing)
    assert isinstance(chosen, JsonlNotifier)
    assert chosen.path == tmp_path / "n.jsonl"


def test_smtp_targets_set_the_notifier_up(closing: contextlib.ExitStack) -> None:
    plain = notifier("smtp://mail.city.example?sender=noreply@city.example", closing)
    assert isinstance(plain, SMTPNotifier)
    assert (plain.host, plain.port, plain.starttls, plain.ssl) == (
        "mail.city.example",
        25,
        False,
        False,
    )
    upgraded = notifier(
        "smtp://regflow@mail.city.example:587?sender=noreply@city.example&starttls=1", closing
    )
    assert isinstance(upgraded, SMTPNotifier)
    assert (upgraded.port, upgraded.starttls, upgraded.username) == (587, True, "regflow")
    implicit = notifier("smtps://mail.city.example?sender=noreply@city.example", closing)
    assert isinstance(implicit, SMTPNotifier)
    assert (implicit.port, implicit.ssl) == (465, True)


@pytest.fixture
def certificates(tmp_path: Path) -> Certificates:
    return make_certificates(tmp_path)


def test_a_cafile_in_the_target_is_the_ca_the_notifier_trusts(
    closing: contextlib.ExitStack, certificates: Certificates
) -> None:
    with SMTPServer(starttls=certificates.server_context()) as server:
        target = (
            f"smtp://regflow@127.0.0.1:{server.port}?sender=noreply@city.example"
            f"&starttls=1&cafile={certificates.ca_file}"
        )
        chosen = notifier(target, closing)
        assert isinstance(chosen, SMTPNotifier)
        chosen.send(russian_notice("petrova@city.example"))
    [delivery] = server.deliveries
    assert delivery.tls
    assert server.logins == ["regflow"]  # the password came from REGFLOW_SMTP_PASSWORD


def test_the_webhook_is_closed_with_its_user(closing: contextlib.ExitStack) -> None:
    pytest.importorskip("httpx")
    from regflow.adapters.webhook import WebhookNotifier

    closed: list[Callable[[], object]] = []
    chosen = bootstrap.notifier(
        "webhook+https://hooks.city.example/regflow",
        clock=FixedClock(T0),
        on_close=closed.append,
        environ=ENV,
    )
    assert isinstance(chosen, WebhookNotifier)
    assert chosen.url == "https://hooks.city.example/regflow"
    assert closed == [chosen.close]


@pytest.mark.parametrize(
    ("target", "environ", "error"),
    [
        ("carrier-pigeon", ENV, "carrier-pigeon: use log, jsonl:FILE, smtp://"),
        ("jsonl:", ENV, "jsonl:: use log, jsonl:FILE"),
        ("smtp://mail.city.example", ENV, "expected smtp://HOST:PORT?sender=ADDRESS"),
        ("smtp://mail.city.example?sender=noreply", ENV, "is not an e-mail address"),
        (
            "smtp://u@mail.city.example?sender=a@b",
            {},
            "SMTP user u needs a password: set REGFLOW_SMTP_PASSWORD",
        ),
        ("smtp://mail.city.example?sender=a@b&starttls=1&cafile=/nonexistent.pem", ENV, "CA file"),
        ("webhook+https://hooks.city.example/x", {}, "set REGFLOW_WEBHOOK_SECRET"),
        ("webhook+https:///x", ENV, "absolute http(s) URL"),
    ],
)
def test_a_wrong_notifier_target_says_what_is_wrong(
    closing: contextlib.ExitStack, target: str, environ: dict[str, str], error: str
) -> None:
    with pytest.raises(InvalidTarget) as caught:
        notifier(target, closing, environ=environ)
    assert error in str(caught.value)
    assert caught.value.target == target
    assert isinstance(caught.value, ValueError)


# -- publishers --------------------------------------------------------------------------


def test_publisher_targets(closing: contextlib.ExitStack, tmp_path: Path) -> None:
    pytest.importorskip("httpx")
    from regflow.adapters.telegram import TelegramPublisher
    from regflow.adapters.vk import VKPublisher

    assert isinstance(bootstrap.publisher("manual", on_close=closing.callback), ManualPublisher)
    jsonl = bootstrap.publisher(f"jsonl:{tmp_path / 'p.jsonl'}", on_close=closing.callback)
    assert isinstance(jsonl, JsonlPublisher)
    closed: list[Callable[[], object]] = []
    vk = bootstrap.publisher("vk:100000001", on_close=closed.append, environ=ENV)
    assert isinstance(vk, VKPublisher)
    assert vk.group_id == 100000001
    bot = bootstrap.publisher(
        f"telegram:{tmp_path / 'sent.jsonl'}", on_close=closed.append, environ=ENV
    )
    assert isinstance(bot, TelegramPublisher)
    assert closed == [vk.close, bot.close]
    for close in closed:
        close()


def test_telegram_store_keeps_the_sent_log_in_the_store(
    closing: contextlib.ExitStack, tmp_path: Path
) -> None:
    pytest.importorskip("httpx")
    from regflow.adapters.telegram import StoreSentLog, TelegramPublisher

    store = bootstrap.open_store(tmp_path / "s.sqlite3")
    closing.callback(store.close)
    clock = bootstrap.system_clock()
    bot = bootstrap.publishers(
        ["telegram:store"], on_close=closing.callback, environ=ENV, store=store, clock=clock
    )
    assert isinstance(bot, TelegramPublisher)
    assert isinstance(bot.sent_log, StoreSentLog)
    with pytest.raises(InvalidTarget, match="needs the store"):
        bootstrap.publisher("telegram:store", on_close=closing.callback, environ=ENV)


@pytest.mark.parametrize(
    ("target", "environ", "error"),
    [
        ("myspace", ENV, "myspace: use manual, jsonl:FILE, vk:GROUP_ID or telegram:SENT_LOG_FILE"),
        ("vk:", ENV, "use manual"),
        ("vk:-5", ENV, "the VK community id is a positive number"),
        ("vk:5", {}, "set REGFLOW_VK_TOKEN"),
        ("telegram:sent.jsonl", {}, "set REGFLOW_TELEGRAM_TOKEN"),
    ],
)
def test_a_wrong_publisher_target_says_what_is_wrong(
    closing: contextlib.ExitStack, target: str, environ: dict[str, str], error: str
) -> None:
    pytest.importorskip("httpx")
    with pytest.raises(InvalidTarget) as caught:
        bootstrap.publisher(target, on_close=closing.callback, environ=environ)
    assert error in str(caught.value)
    assert caught.value.target == target


def test_an_adapter_without_its_extra_names_the_extra(
    closing: contextlib.ExitStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    for module in ("regflow.adapters.webhook", "regflow.adapters.vk", "regflow.adapters.postgres"):
        monkeypatch.setitem(sys.modules, module, None)  # as if the extra were not installed
    with pytest.raises(MissingExtra, match=r"a webhook needs the http extra"):
        notifier("webhook+https://hooks.city.example/x", closing)
    with pytest.raises(MissingExtra, match=r"VK needs the http extra: pip install 'regflow"):
        bootstrap.publisher("vk:1", on_close=closing.callback, environ=ENV)
    with pytest.raises(MissingExtra, match=r"PostgreSQL store needs the postgres extra") as caught:
        bootstrap.open_store("postgresql://postgres@127.0.0.1/none")
    assert caught.value.extra == "postgres"


# -- stores, clocks, the service -----------------------------------------------------------


def test_a_path_is_a_sqlite_store_made_if_missing(tmp_path: Path) -> None:
    store = bootstrap.open_store(tmp_path / "city.sqlite3", synchronous="NORMAL")
    try:
        assert isinstance(store, SQLiteStore)
        assert (tmp_path / "city.sqlite3").exists()
    finally:
        store.close()
    assert bootstrap.is_postgres("postgresql://u@h/db")
    assert bootstrap.is_postgres("postgres://u@h/db")
    assert not bootstrap.is_postgres("postgresql.sqlite3")


def test_the_clocks() -> None:
    assert isinstance(bootstrap.system_clock(), SystemClock)
    fixed = bootstrap.fixed_clock(T0)
    assert isinstance(fixed, FixedClock)
    assert fixed.now() == T0


def test_a_service_without_adapters_screens_in_russian_and_refuses_to_deliver() -> None:
    store = MemoryStore()
    clock = FixedClock(at("2025-11-24 09:00"))
    service = bootstrap.service(store, [Municipality(ORG, (REGULATION,))], clock=clock)
    assert isinstance(service.screener, RussianScreener)
    assert isinstance(service.publisher, ManualPublisher)
    abusive = message(at("2025-11-24 09:00"), text="Вы все идиоты, когда почистите снег?")
    case_id, _ = service.intake(abusive, organization=ORG.id, actor="sokolova")
    assert service.case(case_id).screening == ("insult",)  # for the curator to decide, п. 18
    with pytest.raises(AssertionError, match="nothing should be delivered here"):
        service.notifier.send(russian_notice("petrova@city.example"))


def test_a_password_written_into_a_target_is_not_repeated_in_the_error(
    closing: contextlib.ExitStack,
) -> None:
    with pytest.raises(InvalidTarget) as caught:
        notifier("smtp://regflow:s3cret@mail.city.example:587", closing)
    assert "s3cret" not in str(caught.value)
    assert caught.value.target == "smtp://regflow@mail.city.example:587"


def test_several_publish_targets_send_each_network_s_answers_to_its_own_publisher(
    closing: contextlib.ExitStack, tmp_path: Path
) -> None:
    pytest.importorskip("httpx")
    from regflow.adapters.router import PublisherRouter
    from regflow.adapters.vk import VKPublisher
    from regflow.core import Platform
    from regflow.errors import PublishError
    from tests.adapters.test_vk import request

    one = bootstrap.publishers(["vk:1"], on_close=closing.callback, environ=ENV)
    assert isinstance(one, VKPublisher)  # one target: that publisher, as it is
    assert isinstance(bootstrap.publishers([], on_close=closing.callback), ManualPublisher)
    both = bootstrap.publishers(
        ["vk:1", f"telegram:{tmp_path / 'sent.jsonl'}", "manual"],
        on_close=closing.callback,
        environ=ENV,
    )
    assert isinstance(both, PublisherRouter)
    assert both.platforms == (Platform.VK, Platform.TELEGRAM)
    with pytest.raises(PublishError) as caught:
        both.publish(request("ok-1", platform=Platform.OK))
    assert caught.value.code == "manual"  # the fallback: a person posts it
    for targets, error in (
        (["vk:1", "vk:2"], "vk has a publisher already"),
        (["manual", f"jsonl:{tmp_path / 'a.jsonl'}"], "only one of manual and jsonl:FILE"),
    ):
        with pytest.raises(InvalidTarget, match=error):
            bootstrap.publishers(targets, on_close=closing.callback, environ=ENV)
