"""The publisher router: each answer goes to its platform's publisher, only there (п. 13).

Real VK and Telegram publishers against their simulated APIs (httpx transports
built from functions), composed by ``PublisherRouter``.
"""

from __future__ import annotations

import attrs
import pytest

from regflow.adapters.router import PublisherRouter
from regflow.adapters.telegram import TelegramPublisher
from regflow.adapters.vk import VKPublisher
from regflow.core import Place, Platform
from regflow.errors import PublishError
from regflow.testing.publisher_contract import PublisherContract
from tests.adapters import test_telegram as tg
from tests.adapters import test_vk as vk


class TestRouterOverVKContract(PublisherContract):
    """The router is a publisher: it passes the contract in front of the VK publisher."""

    @pytest.fixture
    def network(self) -> vk.FakeVK:
        return vk.FakeVK()

    @pytest.fixture
    def publisher(self, network: vk.FakeVK) -> PublisherRouter:
        return PublisherRouter(
            {Platform.VK: VKPublisher(vk.TOKEN, group_id=vk.GROUP, client=network.client())}
        )


class TestRouterOverTelegramContract(PublisherContract):
    @pytest.fixture
    def network(self) -> tg.FakeTelegram:
        return tg.FakeTelegram()

    @pytest.fixture
    def publisher(self, network: tg.FakeTelegram) -> PublisherRouter:
        return PublisherRouter(
            {Platform.TELEGRAM: TelegramPublisher(tg.TOKEN, client=network.client())}
        )

    @pytest.fixture
    def platform(self) -> Platform:
        return Platform.TELEGRAM

    @pytest.fixture
    def place(self) -> Place:
        return tg.place()


@pytest.fixture
def networks() -> tuple[vk.FakeVK, tg.FakeTelegram]:
    return vk.FakeVK(), tg.FakeTelegram()


@pytest.fixture
def router(networks: tuple[vk.FakeVK, tg.FakeTelegram]) -> PublisherRouter:
    in_vk, in_telegram = networks
    return PublisherRouter(
        {
            Platform.VK: VKPublisher(vk.TOKEN, group_id=vk.GROUP, client=in_vk.client()),
            Platform.TELEGRAM: TelegramPublisher(tg.TOKEN, client=in_telegram.client()),
        }
    )


def test_p13_each_answer_goes_to_the_network_of_its_message(
    router: PublisherRouter, networks: tuple[vk.FakeVK, tg.FakeTelegram]
) -> None:
    in_vk, in_telegram = networks
    router.publish(vk.request("vk-1", text="Ответ во ВКонтакте"))
    router.publish(tg.request("tg-1", text="Ответ в Telegram"))
    assert list(in_vk.posted) == ["Ответ во ВКонтакте"]
    assert list(in_telegram.posted) == ["Ответ в Telegram"]
    assert router.platforms == (Platform.VK, Platform.TELEGRAM)


def test_p13_a_platform_with_no_publisher_is_refused_permanently_and_posts_nothing(
    router: PublisherRouter, networks: tuple[vk.FakeVK, tg.FakeTelegram]
) -> None:
    in_vk, in_telegram = networks
    with pytest.raises(PublishError) as caught:
        router.publish(vk.request("ok-1", platform=Platform.OK))
    assert caught.value.transient is False
    assert caught.value.code == "platform"
    assert "no publisher for ok" in str(caught.value)
    assert "vk, telegram" in str(caught.value)
    assert list(in_vk.posted) == []
    assert list(in_telegram.posted) == []


def test_p13_the_vk_publisher_never_answers_an_odnoklassniki_message(
    networks: tuple[vk.FakeVK, tg.FakeTelegram],
) -> None:
    in_vk, _ = networks
    publisher = VKPublisher(vk.TOKEN, group_id=vk.GROUP, client=in_vk.client())
    with pytest.raises(PublishError) as caught:
        publisher.publish(attrs.evolve(vk.request(), platform=Platform.OK))
    assert (caught.value.transient, caught.value.code) == (False, "platform")
    assert list(in_vk.posted) == []


def test_p13_the_telegram_publisher_never_answers_a_max_message(
    networks: tuple[vk.FakeVK, tg.FakeTelegram],
) -> None:
    _, in_telegram = networks
    publisher = TelegramPublisher(tg.TOKEN, client=in_telegram.client())
    with pytest.raises(PublishError) as caught:
        publisher.publish(attrs.evolve(tg.request(), platform=Platform.MAX))
    assert (caught.value.transient, caught.value.code) == (False, "platform")
    assert list(in_telegram.posted) == []


def test_p13_a_fallback_takes_the_networks_no_publisher_serves(
    networks: tuple[vk.FakeVK, tg.FakeTelegram], tmp_path
) -> None:
    from regflow.adapters.files import JsonlPublisher

    in_vk, _ = networks
    kept = tmp_path / "answers.jsonl"
    router = PublisherRouter(
        {Platform.VK: VKPublisher(vk.TOKEN, group_id=vk.GROUP, client=in_vk.client())},
        fallback=JsonlPublisher(kept),
    )
    router.publish(vk.request("ok-1", platform=Platform.OK, text="Ответ в Одноклассниках"))
    router.publish(vk.request("vk-1", text="Ответ во ВКонтакте"))
    assert list(in_vk.posted) == ["Ответ во ВКонтакте"]
    assert "Ответ в Одноклассниках" in kept.read_text(encoding="utf-8")
