"""The contract every :class:`~regflow.ports.Publisher` must meet, as a pytest suite.

Subclass :class:`PublisherContract` and give it two fixtures: ``network``, a
simulation of the network that records what was posted and fails on demand
(see :class:`SimulatedNetwork`), and ``publisher``, your publisher pointed at
it. Override ``place`` (and ``platform``) if your network answers elsewhere
than on a VK wall::

    class TestMyPublisher(PublisherContract):
        @pytest.fixture
        def network(self):
            return FakeNetwork()

        @pytest.fixture
        def publisher(self, network):
            return MyPublisher(client=httpx.Client(transport=network.transport))

The VK and Telegram publishers pass this suite against simulated APIs. A
publisher answers only on its own platform: a request for another one is
refused permanently, posting nothing (п. 13: the answer goes to the network
where the message appeared); :class:`regflow.adapters.router.PublisherRouter`
sends each request to the publisher of its platform.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Literal, Protocol

import attrs
import pytest

from regflow.core.message import Place
from regflow.errors import PublishError
from regflow.ports.effects import PublicationRequest, Publisher
from regflow.rules.vocabulary import Platform

__all__ = ["FailureKind", "PublisherContract", "SimulatedNetwork"]

FailureKind = Literal["transient", "permanent"]
"""``transient``: the network refuses for now (rate limit, 5xx) and posts nothing;
``permanent``: it refuses for good (comments closed, access denied)."""

RUSSIAN = (
    "Здравствуйте, Мария Ивановна!\n"
    "Яму на ул. Ленина, 5 заделают до «пятницы» — ёлки зелёные 🙂\n"
    "*не жирный*, _не курсив_, <b>не тег</b> & 100% «как есть»."
)


class SimulatedNetwork(Protocol):
    """A network simulation as the contract drives it."""

    @property
    def posted(self) -> Sequence[str]:
        """The texts of everything posted, in order; a post made twice appears twice."""
        ...

    def fail_next(self, kind: FailureKind) -> None:
        """Make the next attempt to post fail as ``kind`` says, posting nothing."""
        ...


class PublisherContract:
    """The publisher contract. Subclasses provide the ``network`` and ``publisher`` fixtures."""

    @pytest.fixture
    def network(self) -> SimulatedNetwork:
        """A fresh simulated network (subclasses override)."""
        raise NotImplementedError("give the contract a `network` fixture")

    @pytest.fixture
    def publisher(self, network: SimulatedNetwork) -> Publisher:
        """The publisher under test, pointed at ``network`` (subclasses override)."""
        raise NotImplementedError("give the contract a `publisher` fixture")

    @pytest.fixture
    def platform(self) -> Platform:
        """The platform of the requests."""
        return Platform.VK

    @pytest.fixture
    def place(self) -> Place:
        """Where the requests answer: by default a comment on a VK community's wall."""
        return Place(owner_id="-100000001", post_id="1001", comment_id="7")

    @pytest.fixture
    def foreign_platform(self, platform: Platform) -> Platform:
        """A platform this publisher does not answer on (the answer goes where the message
        appeared, п. 13): by default Odnoklassniki, or VK for an Odnoklassniki publisher."""
        return Platform.VK if platform == Platform.OK else Platform.OK

    @pytest.fixture
    def make_request(self, platform: Platform, place: Place) -> Callable[..., PublicationRequest]:
        """Builds a request: ``make_request(key, text=...)``."""

        def make(key: str, text: str = "Яму заделают до пятницы.") -> PublicationRequest:
            return PublicationRequest(
                key=key, case_id="c-1", platform=platform, place=place, text=text
            )

        return make

    def test_the_same_key_twice_posts_once(
        self,
        publisher: Publisher,
        network: SimulatedNetwork,
        make_request: Callable[..., PublicationRequest],
    ) -> None:
        first = publisher.publish(make_request("answer-1"))
        again = publisher.publish(make_request("answer-1"))
        assert again == first
        assert list(network.posted) == ["Яму заделают до пятницы."]

    def test_different_keys_are_different_posts(
        self,
        publisher: Publisher,
        network: SimulatedNetwork,
        make_request: Callable[..., PublicationRequest],
    ) -> None:
        first = publisher.publish(make_request("answer-1"))
        second = publisher.publish(make_request("answer-2"))
        assert first.external_id != second.external_id
        assert len(network.posted) == 2

    def test_a_transient_failure_then_a_retry_posts_once(
        self,
        publisher: Publisher,
        network: SimulatedNetwork,
        make_request: Callable[..., PublicationRequest],
    ) -> None:
        network.fail_next("transient")
        with pytest.raises(PublishError) as caught:
            publisher.publish(make_request("answer-1"))
        assert caught.value.transient
        assert list(network.posted) == []
        published = publisher.publish(make_request("answer-1"))
        assert published.external_id
        assert publisher.publish(make_request("answer-1")) == published
        assert list(network.posted) == ["Яму заделают до пятницы."]

    def test_a_permanent_failure_is_not_transient(
        self,
        publisher: Publisher,
        network: SimulatedNetwork,
        make_request: Callable[..., PublicationRequest],
    ) -> None:
        network.fail_next("permanent")
        with pytest.raises(PublishError) as caught:
            publisher.publish(make_request("answer-1"))
        assert caught.value.transient is False
        assert str(caught.value)
        assert list(network.posted) == []

    def test_a_russian_text_arrives_intact(
        self,
        publisher: Publisher,
        network: SimulatedNetwork,
        make_request: Callable[..., PublicationRequest],
    ) -> None:
        publisher.publish(make_request("answer-1", RUSSIAN))
        assert list(network.posted) == [RUSSIAN]

    def test_a_request_for_another_platform_is_refused_permanently(
        self,
        publisher: Publisher,
        network: SimulatedNetwork,
        make_request: Callable[..., PublicationRequest],
        foreign_platform: Platform,
    ) -> None:
        foreign = attrs.evolve(make_request("answer-1"), platform=foreign_platform)
        with pytest.raises(PublishError) as caught:
            publisher.publish(foreign)
        assert caught.value.transient is False
        assert foreign_platform.value in str(caught.value)
        assert list(network.posted) == []
