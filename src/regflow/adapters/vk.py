"""Publishing answers in VK: wall comments, discussion-board comments, community messages.

:class:`VKPublisher` answers where the message appeared (п. 13), as the
community. The facts it relies on come from VK's own method schema
(github.com/VKCOM/vk-api-schema, version 5.199, the source of the dev.vk.com
method pages):

- ``wall.createComment`` takes ``owner_id``, ``post_id``, ``from_group`` (the
  group's id), ``message``, ``reply_to_comment``, ``attachments`` and
  ``guid``, "unique identifier to avoid repeated comments"; it answers
  ``{"comment_id": ...}`` (``wall/methods.json``, ``wall/responses.json``).
- ``board.createComment`` takes ``group_id``, ``topic_id``, ``message``,
  ``attachments``, ``from_group`` (1: "as by the community") and ``guid``; it
  answers the comment's id (``board/methods.json``).
- ``messages.send`` takes ``peer_id``, ``random_id`` ("unique identifier to
  avoid resending the message", an integer), ``message`` (at most 9000
  characters), ``attachment``, ``reply_to`` and ``group_id``; it answers the
  message's id (``messages/methods.json``).
- Photos are uploaded in three steps: ``photos.getWallUploadServer``
  (``group_id``) gives an ``upload_url``; the file is POSTed there and the
  server answers ``server``, ``photo`` and ``hash``; ``photos.saveWallPhoto``
  (``group_id``, ``photo``, ``server``, ``hash``) answers the saved photos,
  referred to as ``photo{owner_id}_{id}``. Messages use
  ``photos.getMessagesUploadServer`` (``peer_id``) and
  ``photos.saveMessagesPhoto`` the same way (``photos/methods.json``).
- The error codes in :data:`VK_ERRORS` (``errors.json``).

``board.createComment`` and the wall upload accept only a *user* token
(``access_token_type: ["user"]`` in the schema): give the token of a person
who manages the community; every answer is still posted as the community.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
import urllib.parse
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Final

import attrs
import httpx

from regflow._redact import guard_loggers, redacting, unguard_loggers
from regflow.core.message import AttachmentKind
from regflow.errors import PublishError
from regflow.ports.effects import Publication, PublicationRequest
from regflow.rules.vocabulary import Platform

__all__ = ["VK_ERRORS", "VKError", "VKPublisher", "vk_guid", "vk_random_id"]


@attrs.frozen
class VKError:
    """What regflow makes of one VK ``error_code``: retry it, or hand it to a person."""

    meaning: str
    """VK's own description of the code (``errors.json``)."""
    transient: bool
    advice: str = ""
    """What the curator should do about it, for permanent errors."""


_PERSON = "a person must act: open VK as the community's manager, pass the check, then retry"

VK_ERRORS: Final[Mapping[int, VKError]] = {
    1: VKError("Unknown error occurred", True),
    5: VKError("User authorization failed", False, "renew the community's access token"),
    6: VKError("Too many requests per second", True),
    7: VKError("Permission to perform this action is denied", False, "grant the token the right"),
    9: VKError("Flood control", True),
    10: VKError("Internal server error", True),
    14: VKError("Captcha needed", False, _PERSON),
    15: VKError("Access denied", False, "publish by hand, or ask for access"),
    17: VKError("Validation required", False, _PERSON),
    18: VKError("User was deleted or banned", False, "answer another way"),
    29: VKError("Rate limit reached", True),
    100: VKError("One of the parameters specified was missing or invalid", False),
    210: VKError("Access to wall's post denied", False, "the post is gone or closed"),
    212: VKError(
        "Access to post comments denied", False, "comments are closed; answer another way"
    ),
    213: VKError(
        "Access to status replies denied", False, "comments are closed; answer another way"
    ),
    222: VKError("Hyperlinks are forbidden", False, "remove the links from the answer"),
}
"""How each VK error code is handled (VK API 5.199, ``errors.json`` of VKCOM/vk-api-schema).

Codes not listed are permanent: a person looks at them rather than a loop
retrying them.
"""

MESSAGE_LIMIT: Final = 9000
"""``messages.send`` takes at most 9000 characters (``maxLength`` in ``messages/methods.json``)."""

# a VK object given by reference, bare or as a link: photo-1_2, https://vk.com/video5_6
_VK_OBJECT = re.compile(r"^(?:https?://(?:m\.)?vk\.com/)?((?:photo|video|doc)-?\d+_\d+)$")
_IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif")


def vk_guid(key: str) -> str:
    """The ``guid`` VK is given for a publication key: the same key, the same guid."""
    return hashlib.sha256(b"guid\0" + key.encode()).hexdigest()[:32]


def vk_random_id(key: str) -> int:
    """The ``random_id`` of ``messages.send`` for a publication key: 1..2**31-1, fixed per key."""
    digest = hashlib.sha256(b"random_id\0" + key.encode()).digest()
    return int.from_bytes(digest[:8], "big") % (2**31 - 1) + 1


class VKPublisher:
    """A :class:`~regflow.ports.Publisher` that answers in VK as the community ``group_id``.

    Where it answers follows the request's place: a ``topic_id`` is a
    discussion board (``board.createComment``), a ``post_id`` a wall post
    (``wall.createComment``, replying to ``comment_id`` if set), a ``chat_id``
    a conversation with the community (``messages.send``). ``guid`` and
    ``random_id`` are derived from the request's key, so a retry finds the
    answer VK already has instead of posting it again.

    Photos are uploaded first (a VK photo given as ``photo-1_2`` or its link
    is attached as it is); ``fetch(url) -> bytes`` downloads them. A retry may
    upload a photo again, leaving an unused copy in the community's album,
    but the comment is still posted once.

    Args:
        token: a user access token of a manager of the community.
        group_id: the community's id (positive).
        client: the HTTP client; by default one with a 30-second timeout.
        api_version: the ``v`` sent with every call.
        base_url: where the methods are.
        fetch: downloads an attachment; without it only VK objects can be attached.

    Raises (from :meth:`publish`):
        PublishError: ``transient`` for timeouts, transport errors, HTTP 5xx
            and the transient codes of :data:`VK_ERRORS`; permanent otherwise,
            with the VK code in ``code``.
    """

    def __init__(
        self,
        token: str,
        *,
        group_id: int,
        client: httpx.Client | None = None,
        api_version: str = "5.199",
        base_url: str = "https://api.vk.com/method",
        fetch: Callable[[str], bytes] | None = None,
    ) -> None:
        if group_id <= 0:
            raise ValueError(f"group_id is the community's positive id, got {group_id}")
        self.group_id = group_id
        self._token = token
        self._owns_client = client is None
        self._client = client if client is not None else httpx.Client(timeout=30.0)
        self._version = api_version
        self._base_url = base_url.rstrip("/")
        self._fetch = fetch
        self._guard = guard_loggers(self.secrets)

    @property
    def secrets(self) -> tuple[str, ...]:
        """What never appears in a log line or an error: the token."""
        return (self._token,)

    def close(self) -> None:
        """Close the HTTP client if this publisher made it; stop filtering the logs."""
        unguard_loggers(self._guard)
        if self._owns_client:
            self._client.close()

    @redacting
    def publish(self, request: PublicationRequest) -> Publication:
        """Post ``request.text`` where the message appeared, once per ``request.key``.

        A request for another platform than VK is refused permanently (п. 13).
        """
        if request.platform != Platform.VK:
            raise PublishError(
                f"case {request.case_id}: a {request.platform.value} answer cannot be posted "
                "to VK; it goes to the network where the message appeared (п. 13)",
                transient=False,
                code="platform",
            )
        place = request.place
        if place.topic_id is not None:
            return self._board_comment(request, place.topic_id)
        if place.post_id is not None:
            return self._wall_comment(request, place.post_id)
        if place.chat_id is not None:
            return self._message(request, place.chat_id)
        raise PublishError(
            f"case {request.case_id}: the place {place.key!r} has no post, topic or chat "
            "to answer in; publish by hand",
            transient=False,
            code="place",
        )

    # -- the three places --------------------------------------------------------

    def _wall_comment(self, request: PublicationRequest, post_id: str) -> Publication:
        place = request.place
        owner = _number(place.owner_id, "owner_id") if place.owner_id else -self.group_id
        post = _number(post_id, "post_id")
        attachments = self._attachments(request, self._wall_photo)
        result = self._call(
            "wall.createComment",
            {
                "owner_id": owner,
                "post_id": post,
                "from_group": self.group_id,
                "message": request.text,
                "reply_to_comment": _number(place.comment_id, "comment_id")
                if place.comment_id
                else None,
                "attachments": ",".join(attachments) or None,
                "guid": vk_guid(request.key),
            },
        )
        comment = _int_field(result, "comment_id", "wall.createComment")
        return Publication(
            f"wall_comment:{owner}_{post}_{comment}",
            f"https://vk.com/wall{owner}_{post}?reply={comment}",
        )

    def _board_comment(self, request: PublicationRequest, topic_id: str) -> Publication:
        place = request.place
        group = abs(_number(place.owner_id, "owner_id")) if place.owner_id else self.group_id
        topic = _number(topic_id, "topic_id")
        attachments = self._attachments(request, self._wall_photo)
        result = self._call(
            "board.createComment",
            {
                "group_id": group,
                "topic_id": topic,
                "message": request.text,
                "attachments": ",".join(attachments) or None,
                "from_group": 1,
                "guid": vk_guid(request.key),
            },
        )
        comment = _int(result, "board.createComment")
        return Publication(
            f"board_comment:-{group}_{topic}_{comment}",
            f"https://vk.com/topic-{group}_{topic}?post={comment}",
        )

    def _message(self, request: PublicationRequest, chat_id: str) -> Publication:
        if len(request.text) > MESSAGE_LIMIT:
            raise PublishError(
                f"case {request.case_id}: the answer has {len(request.text)} characters, "
                f"VK messages take at most {MESSAGE_LIMIT}; shorten it",
                transient=False,
                code="too-long",
            )
        peer = _number(chat_id, "chat_id")
        attachments = self._attachments(
            request, lambda data, name: self._message_photo(peer, data, name)
        )
        reply_to = request.place.message_id
        result = self._call(
            "messages.send",
            {
                "peer_id": peer,
                "random_id": vk_random_id(request.key),
                "message": request.text,
                "attachment": ",".join(attachments) or None,
                "reply_to": _number(reply_to, "message_id") if reply_to else None,
                "group_id": self.group_id,
            },
        )
        message = _int(result, "messages.send")
        return Publication(
            f"message:{peer}_{message}",
            # the community's inbox, as its managers open it
            f"https://vk.com/gim{self.group_id}?sel={peer}&msgid={message}",
        )

    # -- attachments ---------------------------------------------------------------

    def _attachments(
        self, request: PublicationRequest, upload: Callable[[bytes, str], str]
    ) -> list[str]:
        refs: list[str] = []
        for attachment in request.attachments:
            known = _VK_OBJECT.match(attachment.url)
            if known:
                refs.append(known[1])
            elif attachment.kind is AttachmentKind.PHOTO:
                refs.append(upload(self._download(attachment.url), _filename(attachment.url)))
            else:
                raise PublishError(
                    f"case {request.case_id}: cannot attach {attachment.kind.value} "
                    f"{attachment.url!r} in VK; upload it to VK first, or publish by hand",
                    transient=False,
                    code="attachment",
                )
        return refs

    def _download(self, url: str) -> bytes:
        if self._fetch is None:
            raise PublishError(
                f"cannot download {url!r}: this VKPublisher was built without fetch",
                transient=False,
                code="attachment",
            )
        try:
            return self._fetch(url)
        except (OSError, httpx.HTTPError) as exc:
            raise PublishError(
                f"downloading {url!r} failed: {exc}", transient=True, code="fetch"
            ) from exc

    def _wall_photo(self, data: bytes, filename: str) -> str:
        server = self._call("photos.getWallUploadServer", {"group_id": self.group_id})
        uploaded = self._upload(
            _str_field(server, "upload_url", "photos.getWallUploadServer"), data, filename
        )
        saved = self._call("photos.saveWallPhoto", {"group_id": self.group_id, **uploaded})
        return _photo_ref(saved, "photos.saveWallPhoto")

    def _message_photo(self, peer: int, data: bytes, filename: str) -> str:
        server = self._call("photos.getMessagesUploadServer", {"peer_id": peer})
        uploaded = self._upload(
            _str_field(server, "upload_url", "photos.getMessagesUploadServer"), data, filename
        )
        saved = self._call("photos.saveMessagesPhoto", uploaded)
        return _photo_ref(saved, "photos.saveMessagesPhoto")

    def _upload(self, url: str, data: bytes, filename: str) -> dict[str, object]:
        body = self._post(url, "photo upload", files={"photo": (filename, data)})
        if not isinstance(body, dict) or "error" in body:
            raise PublishError(
                f"VK photo upload failed: {body!r:.200}", transient=True, code="upload"
            )
        photo = body.get("photo")
        if not isinstance(photo, str) or photo in ("", "[]"):
            # the upload server answers an empty list when it did not take the file as an image
            raise PublishError(
                f"VK did not accept {filename!r} as a photo", transient=False, code="upload"
            )
        return {"photo": photo, "server": body.get("server"), "hash": body.get("hash")}

    # -- the wire ---------------------------------------------------------------------

    def _call(self, method: str, params: Mapping[str, object]) -> object:
        form = {name: str(value) for name, value in params.items() if value is not None}
        # POSTed as a form, so the token never appears in a URL (nor in a log of URLs)
        form.update(access_token=self._token, v=self._version)
        body = self._post(f"{self._base_url}/{method}", method, data=form)
        if not isinstance(body, dict):
            raise PublishError(f"VK {method}: unexpected answer {body!r:.200}", transient=True)
        if "error" in body:
            raise _api_error(method, body["error"])
        if "response" not in body:
            raise PublishError(f"VK {method}: no response in {body!r:.200}", transient=True)
        return body["response"]

    def _post(
        self,
        url: str,
        what: str,
        *,
        data: Mapping[str, str] | None = None,
        files: Mapping[str, tuple[str, bytes]] | None = None,
    ) -> object:
        try:
            response = self._client.post(url, data=data, files=files)
        except httpx.TransportError as exc:  # timeouts included
            raise PublishError(
                f"VK {what}: {type(exc).__name__}: {exc}", transient=True, code="transport"
            ) from exc
        status = response.status_code
        if status >= 500 or status == 429:
            raise PublishError(f"VK {what}: HTTP {status}", transient=True, code=f"http-{status}")
        if status != 200:
            raise PublishError(f"VK {what}: HTTP {status}", transient=False, code=f"http-{status}")
        try:
            body: object = response.json()
        except ValueError as exc:
            raise PublishError(
                f"VK {what}: the answer is not JSON", transient=True, code="garbled"
            ) from exc
        return body


def _api_error(method: str, error: object) -> PublishError:
    fields = error if isinstance(error, dict) else {}
    code = fields.get("error_code")
    text = fields.get("error_msg", "")
    known = VK_ERRORS.get(code) if isinstance(code, int) else None
    message = f"VK {method}: error {code}: {text}"
    if known is not None and known.advice:
        message += f" ({known.advice})"
    return PublishError(message, transient=known is not None and known.transient, code=str(code))


def _number(value: str | None, name: str) -> int:
    try:
        return int(value or "")
    except ValueError:
        raise PublishError(
            f"the place's {name} {value!r} is not a VK id", transient=False, code="place"
        ) from None


def _int(value: object, method: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise PublishError(f"VK {method}: expected an id, got {value!r:.200}", transient=True)
    return value


def _int_field(value: object, name: str, method: str) -> int:
    return _int(value.get(name) if isinstance(value, dict) else None, method)


def _str_field(value: object, name: str, method: str) -> str:
    found = value.get(name) if isinstance(value, dict) else None
    if not isinstance(found, str):
        raise PublishError(f"VK {method}: no {name} in {value!r:.200}", transient=True)
    return found


def _photo_ref(saved: object, method: str) -> str:
    photo = saved[0] if isinstance(saved, list) and saved else None
    ref = f"photo{_int_field(photo, 'owner_id', method)}_{_int_field(photo, 'id', method)}"
    access_key = photo.get("access_key") if isinstance(photo, dict) else None
    return f"{ref}_{access_key}" if isinstance(access_key, str) and access_key else ref


def _filename(url: str) -> str:
    name = posixpath.basename(urllib.parse.urlsplit(url).path)
    return name if name.lower().endswith(_IMAGE_SUFFIXES) else "photo.jpg"


if TYPE_CHECKING:
    from regflow.ports import Publisher

    _check: Publisher = VKPublisher("token", group_id=1)
