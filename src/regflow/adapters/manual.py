"""Publishing by hand: a person posts the approved answer and records its link.

For networks without an adapter, or accounts no token reaches.
:class:`ManualPublisher` never posts: it fails permanently, so the service
records ``publication_failed`` on the case and notifies the curators, whose
notice says what to do. Once the answer is posted, whoever the regulation
lets record publications (the executor, п. 13 of Blagoveshchensk's) records
it through the service::

    service.handle(
        RecordPublication(
            case_id="c-42",
            actor="zaitsev",
            at=clock.now(),
            external_id="wall-123_456?reply=789",
            url="https://vk.com/wall-123_456?reply=789",
        )
    )

and the case moves on as if a publisher had posted it (п. 13).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from regflow.errors import PublishError
from regflow.ports.effects import Publication, PublicationRequest

__all__ = ["ManualPublisher"]


class ManualPublisher:
    """A :class:`~regflow.ports.Publisher` that hands every answer to a person."""

    def publish(self, request: PublicationRequest) -> Publication:
        """Never publishes.

        Raises:
            PublishError: always, permanent, ``code="manual"``, asking the
                curator to post the approved answer and record its link.
        """
        raise PublishError(
            f"case {request.case_id}: publish the approved answer by hand on "
            f"{request.platform.value} (place {request.place.key}), then record its link "
            "in the case (record_publication)",
            transient=False,
            code="manual",
        )


if TYPE_CHECKING:
    from regflow.ports import Publisher

    _check: Publisher = ManualPublisher()
