"""A :class:`~regflow.ports.Publisher` that sends each answer to its platform's publisher.

п. 13: the answer is published in the network where the message appeared.
A deployment that answers on several networks composes one publisher per
platform::

    publisher = PublisherRouter({Platform.VK: vk, Platform.TELEGRAM: telegram})

and passes it to :func:`regflow.service.open_service`. A request for a
platform with no publisher is refused permanently (it goes back to the
curator as a failed publication), never sent to another network.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from regflow.errors import PublishError
from regflow.ports.effects import Publication, PublicationRequest, Publisher
from regflow.rules.vocabulary import Platform

__all__ = ["PublisherRouter"]


class PublisherRouter:
    """Routes a publication request to the publisher of ``request.platform``.

    Args:
        publishers: platform -> the publisher that answers there.
        fallback: the publisher of every other platform (the manual publisher,
            which hands the answer to a person), if any.

    Raises (from :meth:`publish`):
        PublishError: permanent, code ``"platform"``, for a platform with no
            publisher and no fallback; otherwise whatever the chosen publisher raises.
    """

    def __init__(
        self, publishers: Mapping[Platform, Publisher], fallback: Publisher | None = None
    ) -> None:
        self._publishers: dict[Platform, Publisher] = dict(publishers)
        self._fallback = fallback

    @property
    def platforms(self) -> tuple[Platform, ...]:
        """The platforms it has a publisher for, in the order given."""
        return tuple(self._publishers)

    def publish(self, request: PublicationRequest) -> Publication:
        """Publish ``request`` through its platform's publisher (п. 13)."""
        publisher = self._publishers.get(request.platform, self._fallback)
        if publisher is None:
            known = ", ".join(p.value for p in self._publishers) or "none"
            raise PublishError(
                f"case {request.case_id}: no publisher for {request.platform.value} "
                f"(publishers: {known}); publish by hand in the network where the message "
                "appeared (п. 13)",
                transient=False,
                code="platform",
            )
        return publisher.publish(request)


if TYPE_CHECKING:
    _check: Publisher = PublisherRouter({})
