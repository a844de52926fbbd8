"""The VK publisher against a simulated VK API (an httpx MockTransport); no network."""

from __future__ import annotations

import datetime as dt
import json
import urllib.parse

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from regflow.adapters.memory import MemoryStore
from regflow.adapters.vk import VK_ERRORS, VKPublisher, vk_guid, vk_random_id
from regflow.core.message import Attachment, AttachmentKind, Place
from regflow.errors import PublishError
from regflow.ports.effects import PublicationRequest
from regflow.rules.vocabulary import Platform
from regflow.service import Municipality, open_service
from regflow.testing import FixedClock, KeywordScreener, RecordingNotifier
from regflow.testing.publisher_contract import FailureKind, PublisherContract
from tests.engine.conftest import ORG, REGULATION, at, message
from tests.service.test_service import answered_request

GROUP = 100000001
TOKEN = "vk1.a.secret-token"
UPLOAD_HOST = "pu.vk.test"


class FakeVK:
    """A small VK: comments, board posts and messages, guid/random_id dedup, photo uploads.

    ``script`` holds what the next calls do instead of succeeding: a VK error
    code, ``"http-502"``, ``"timeout"`` (nothing done) or ``"lost"`` (done,
    but the answer never arrives).
    """

    def __init__(self) -> None:
        self.posts: list[dict[str, str]] = []
        self.calls: list[str] = []
        self.uploads: list[bytes] = []
        self.script: list[int | str] = []
        self._seen: dict[tuple[str, str], int] = {}
        self.transport = httpx.MockTransport(self.handle)

    @property
    def posted(self) -> list[str]:
        return [post["message"] for post in self.posts]

    def fail_next(self, kind: FailureKind) -> None:
        self.script.append(6 if kind == "transient" else 212)

    def client(self) -> httpx.Client:
        return httpx.Client(transport=self.transport)

    def handle(self, request: httpx.Request) -> httpx.Response:
        if request.url.host == UPLOAD_HOST:
            return self._upload(request)
        method = request.url.path.rsplit("/", 1)[-1]
        form = {k: v[0] for k, v in urllib.parse.parse_qs(request.content.decode()).items()}
        assert form.pop("access_token") == TOKEN
        assert form.pop("v") == "5.199"
        assert TOKEN not in str(request.url)
        self.calls.append(method)
        step = self.script.pop(0) if self.script else None
        if isinstance(step, int):
            return self._error(step, form)
        if step == "http-502":
            return httpx.Response(502, text="<html>Bad Gateway</html>")
        if step == "timeout":
            raise httpx.ReadTimeout("timed out", request=request)
        answer = getattr(self, method.replace(".", "_"))(form)
        if step == "lost":
            raise httpx.ReadTimeout("timed out", request=request)
        return httpx.Response(200, json={"response": answer})

    def _error(self, code: int, form: dict[str, str]) -> httpx.Response:
        error: dict[str, object] = {
            "error_code": code,
            "error_msg": VK_ERRORS[code].meaning if code in VK_ERRORS else "Something",
            "request_params": [{"key": k, "value": v} for k, v in form.items()],
        }
        if code == 14:
            error.update(captcha_sid="548", captcha_img="https://api.vk.com/captcha.php?sid=548")
        return httpx.Response(200, json={"error": error})

    def _post(self, form: dict[str, str], dedup: str) -> int:
        key = (form.get("method", ""), form[dedup])
        if key not in self._seen:
            self.posts.append(form)
            self._seen[key] = 9000 + len(self.posts)
        return self._seen[key]

    def wall_createComment(self, form: dict[str, str]) -> object:
        form["method"] = "wall.createComment"
        return {"comment_id": self._post(form, "guid"), "parents_stack": []}

    def board_createComment(self, form: dict[str, str]) -> object:
        form["method"] = "board.createComment"
        return self._post(form, "guid")

    def messages_send(self, form: dict[str, str]) -> object:
        form["method"] = "messages.send"
        return self._post(form, "random_id")

    def photos_getWallUploadServer(self, form: dict[str, str]) -> object:
        assert form == {"group_id": str(GROUP)}
        return {"upload_url": f"https://{UPLOAD_HOST}/upload?act=wall", "album_id": -14}

    def photos_getMessagesUploadServer(self, form: dict[str, str]) -> object:
        return {"upload_url": f"https://{UPLOAD_HOST}/upload?act=im&peer={form['peer_id']}"}

    def _saved(self, form: dict[str, str]) -> list[dict[str, object]]:
        assert (form["server"], form["hash"]) == ("712", "h4sh")
        assert json.loads(form["photo"])[0]["photo"] == "abc"
        return [{"id": 456239000 + len(self.uploads), "owner_id": -GROUP, "album_id": -14}]

    def photos_saveWallPhoto(self, form: dict[str, str]) -> object:
        assert form["group_id"] == str(GROUP)
        return self._saved(form)

    def photos_saveMessagesPhoto(self, form: dict[str, str]) -> object:
        saved = self._saved(form)
        saved[0]["access_key"] = "k3y"
        return saved

    def _upload(self, request: httpx.Request) -> httpx.Response:
        assert request.headers["content-type"].startswith("multipart/form-data")
        assert b'name="photo"' in request.content
        self.uploads.append(request.content)
        photo = "[]" if b"not an image" in request.content else json.dumps([{"photo": "abc"}])
        return httpx.Response(200, json={"server": 712, "photo": photo, "hash": "h4sh"})


def wall(**changes: str) -> Place:
    ids = {"owner_id": f"-{GROUP}", "post_id": "1001", "comment_id": "7", **changes}
    return Place(**ids)


def request(
    key: str = "answer-1", place: Place | None = None, **changes: object
) -> PublicationRequest:
    fields: dict[str, object] = {
        "key": key,
        "case_id": "c-1",
        "platform": Platform.VK,
        "place": place or wall(),
        "text": "Здравствуйте! Яму заделают до пятницы.",
        **changes,
    }
    return PublicationRequest(**fields)  # type: ignore[arg-type]


@pytest.fixture
def vk() -> FakeVK:
    return FakeVK()


@pytest.fixture
def publisher(vk: FakeVK) -> VKPublisher:
    return VKPublisher(TOKEN, group_id=GROUP, client=vk.client(), fetch=fake_fetch)


def fake_fetch(url: str) -> bytes:
    if "unreachable" in url:
        raise OSError("connection refused")
    return b"\xff\xd8\xff" + ("not an image" if "broken" in url else "jpeg").encode()


class TestVKContract(PublisherContract):
    @pytest.fixture
    def network(self) -> FakeVK:
        return FakeVK()

    @pytest.fixture
    def publisher(self, network: FakeVK) -> VKPublisher:
        return VKPublisher(TOKEN, group_id=GROUP, client=network.client())


# -- where the answer goes ------------------------------------------------------------


def test_a_wall_reply_is_posted_as_the_community_with_a_guid_from_the_key(
    vk: FakeVK, publisher: VKPublisher
) -> None:
    published = publisher.publish(request())
    (post,) = vk.posts
    assert post == {
        "method": "wall.createComment",
        "owner_id": f"-{GROUP}",
        "post_id": "1001",
        "from_group": str(GROUP),
        "message": "Здравствуйте! Яму заделают до пятницы.",
        "reply_to_comment": "7",
        "guid": vk_guid("answer-1"),
    }
    assert published.external_id == f"wall_comment:-{GROUP}_1001_9001"
    assert published.url == f"https://vk.com/wall-{GROUP}_1001?reply=9001"


def test_a_comment_on_the_post_itself_has_no_reply_to(vk: FakeVK, publisher: VKPublisher) -> None:
    publisher.publish(request(place=Place(post_id="1001")))
    assert "reply_to_comment" not in vk.posts[0]
    assert vk.posts[0]["owner_id"] == f"-{GROUP}"  # the community's own wall by default


def test_a_board_topic_gets_a_board_comment(vk: FakeVK, publisher: VKPublisher) -> None:
    published = publisher.publish(
        request(place=Place(owner_id=f"-{GROUP}", topic_id="3300", message_id="17"))
    )
    (post,) = vk.posts
    assert post["method"] == "board.createComment"
    assert (post["group_id"], post["topic_id"], post["from_group"]) == (str(GROUP), "3300", "1")
    assert post["guid"] == vk_guid("answer-1")
    assert published.url == f"https://vk.com/topic-{GROUP}_3300?post=9001"


def test_a_private_message_is_answered_by_messages_send_with_a_random_id(
    vk: FakeVK, publisher: VKPublisher
) -> None:
    place = Place(chat_id="2000000001", message_id="55")
    first = publisher.publish(request(place=place))
    again = publisher.publish(request(place=place))
    assert again == first
    (post,) = vk.posts
    assert post["method"] == "messages.send"
    assert post["peer_id"] == "2000000001"
    assert post["random_id"] == str(vk_random_id("answer-1"))
    assert (post["group_id"], post["reply_to"]) == (str(GROUP), "55")
    assert first.url == f"https://vk.com/gim{GROUP}?sel=2000000001&msgid=9001"


def test_a_message_longer_than_vk_takes_is_refused_unsent(
    vk: FakeVK, publisher: VKPublisher
) -> None:
    with pytest.raises(PublishError) as caught:
        publisher.publish(request(place=Place(chat_id="42"), text="я" * 9001))
    assert (caught.value.transient, caught.value.code) == (False, "too-long")
    assert vk.calls == []


@pytest.mark.parametrize(
    "place",
    [Place(message_id="5"), Place(owner_id="-1", post_id="not-a-number")],
    ids=["nowhere", "bad-id"],
)
def test_a_place_vk_cannot_answer_in_is_permanent(
    vk: FakeVK, publisher: VKPublisher, place: Place
) -> None:
    with pytest.raises(PublishError) as caught:
        publisher.publish(request(place=place))
    assert (caught.value.transient, caught.value.code) == (False, "place")
    assert vk.calls == []


def test_guid_and_random_id_are_fixed_per_key() -> None:
    assert vk_guid("answer-1") == vk_guid("answer-1") != vk_guid("answer-2")
    assert vk_random_id("answer-1") == vk_random_id("answer-1") != vk_random_id("answer-2")


@given(st.text())
def test_random_id_is_a_positive_31_bit_int(key: str) -> None:
    assert 1 <= vk_random_id(key) < 2**31
    assert len(vk_guid(key)) == 32


# -- failures ---------------------------------------------------------------------------


@pytest.mark.parametrize("code", [1, 6, 9, 10])
def test_errors_that_pass_are_transient(vk: FakeVK, publisher: VKPublisher, code: int) -> None:
    vk.script = [code]
    with pytest.raises(PublishError) as caught:
        publisher.publish(request())
    assert (caught.value.transient, caught.value.code) == (True, str(code))
    assert vk.posts == []


def test_after_errors_1_6_9_10_the_retry_publishes_exactly_once(
    vk: FakeVK, publisher: VKPublisher
) -> None:
    vk.script = [1, 6, 9, 10]
    for _ in range(4):
        with pytest.raises(PublishError):
            publisher.publish(request())
    published = publisher.publish(request())
    assert publisher.publish(request()) == published
    assert vk.calls == ["wall.createComment"] * 6
    assert len(vk.posts) == 1


def test_a_lost_answer_is_found_again_by_its_guid(vk: FakeVK, publisher: VKPublisher) -> None:
    vk.script = ["lost"]
    with pytest.raises(PublishError) as caught:
        publisher.publish(request())
    assert caught.value.transient
    assert len(vk.posts) == 1  # VK has it, we do not know
    published = publisher.publish(request())
    assert len(vk.posts) == 1
    assert published.external_id == f"wall_comment:-{GROUP}_1001_9001"


@pytest.mark.parametrize("step", ["http-502", "timeout"])
def test_server_errors_and_timeouts_are_transient(
    vk: FakeVK, publisher: VKPublisher, step: str
) -> None:
    vk.script = [step]
    with pytest.raises(PublishError) as caught:
        publisher.publish(request())
    assert caught.value.transient
    assert TOKEN not in str(caught.value)


def test_a_connection_failure_is_transient() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    publisher = VKPublisher(
        TOKEN, group_id=GROUP, client=httpx.Client(transport=httpx.MockTransport(refuse))
    )
    with pytest.raises(PublishError) as caught:
        publisher.publish(request())
    assert (caught.value.transient, caught.value.code) == (True, "transport")


@pytest.mark.parametrize("code", [5, 14, 15, 100, 212, 213, 777])
def test_errors_that_need_a_person_are_permanent(
    vk: FakeVK, publisher: VKPublisher, code: int
) -> None:
    vk.script = [code]
    with pytest.raises(PublishError) as caught:
        publisher.publish(request())
    assert (caught.value.transient, caught.value.code) == (False, str(code))
    assert f"error {code}" in str(caught.value)


def test_a_captcha_says_a_person_must_act(vk: FakeVK, publisher: VKPublisher) -> None:
    vk.script = [14]
    with pytest.raises(PublishError, match="a person must act") as caught:
        publisher.publish(request())
    assert caught.value.transient is False


@pytest.mark.parametrize("code", [212, 213])
def test_closed_comments_say_so(vk: FakeVK, publisher: VKPublisher, code: int) -> None:
    vk.script = [code]
    with pytest.raises(PublishError, match="comments are closed"):
        publisher.publish(request())


# -- photos ------------------------------------------------------------------------------


def photo(url: str) -> Attachment:
    return Attachment(AttachmentKind.PHOTO, url)


def test_a_photo_is_uploaded_to_the_wall_and_attached(vk: FakeVK, publisher: VKPublisher) -> None:
    publisher.publish(request(attachments=(photo("https://files.city.test/yama.jpg"),)))
    assert vk.calls == ["photos.getWallUploadServer", "photos.saveWallPhoto", "wall.createComment"]
    (upload,) = vk.uploads
    assert b"\xff\xd8\xffjpeg" in upload
    assert b'filename="yama.jpg"' in upload
    assert vk.posts[0]["attachments"] == f"photo-{GROUP}_456239001"


def test_a_photo_for_a_message_goes_through_the_messages_upload(
    vk: FakeVK, publisher: VKPublisher
) -> None:
    publisher.publish(
        request(place=Place(chat_id="42"), attachments=(photo("https://files.city.test/a"),))
    )
    assert vk.calls == [
        "photos.getMessagesUploadServer",
        "photos.saveMessagesPhoto",
        "messages.send",
    ]
    assert vk.posts[0]["attachment"] == f"photo-{GROUP}_456239001_k3y"


def test_vk_objects_are_attached_without_upload(vk: FakeVK, publisher: VKPublisher) -> None:
    publisher.publish(
        request(
            attachments=(
                photo("https://vk.com/photo-1_2"),
                Attachment(AttachmentKind.VIDEO, "video-1_3"),
            )
        )
    )
    assert vk.calls == ["wall.createComment"]
    assert vk.posts[0]["attachments"] == "photo-1_2,video-1_3"


@pytest.mark.parametrize(
    ("attachment", "transient", "code"),
    [
        (photo("https://files.city.test/broken.jpg"), False, "upload"),
        (photo("https://unreachable.test/a.jpg"), True, "fetch"),
        (Attachment(AttachmentKind.LINK, "https://city.test/news"), False, "attachment"),
    ],
    ids=["not-an-image", "unreachable", "link"],
)
def test_attachments_that_cannot_go_fail_rather_than_vanish(
    vk: FakeVK, publisher: VKPublisher, attachment: Attachment, transient: bool, code: str
) -> None:
    with pytest.raises(PublishError) as caught:
        publisher.publish(request(attachments=(attachment,)))
    assert (caught.value.transient, caught.value.code) == (transient, code)
    assert vk.posts == []


def test_without_fetch_a_photo_url_is_a_permanent_failure(vk: FakeVK) -> None:
    publisher = VKPublisher(TOKEN, group_id=GROUP, client=vk.client())
    with pytest.raises(PublishError, match="without fetch") as caught:
        publisher.publish(request(attachments=(photo("https://files.city.test/a.jpg"),)))
    assert caught.value.transient is False


def test_a_group_id_must_be_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        VKPublisher(TOKEN, group_id=-GROUP)


# -- through the service ------------------------------------------------------------------


def test_the_service_retries_vk_errors_and_publishes_the_answer_once(vk: FakeVK) -> None:
    clock = FixedClock(at("2025-11-24 09:00"))
    service = open_service(
        store=MemoryStore(),
        municipalities=[Municipality(ORG, (REGULATION,))],
        notifier=RecordingNotifier(),
        publisher=VKPublisher(TOKEN, group_id=GROUP, client=vk.client()),
        screener=KeywordScreener(),
        clock=clock,
        tolerance=None,  # a simulated clock: commands declare the times
    )
    case_id, _ = service.intake(
        message(at("2025-11-24 09:00")), organization=ORG.id, actor="sokolova"
    )
    answered_request(service, case_id)
    vk.script = [1, 6, "lost", 9, 10]
    clock.instant = at("2025-11-24 10:16")
    for _ in range(12):
        service.dispatch()
        clock.advance(dt.timedelta(minutes=10))
    assert vk.posted == ["Яму заделают до пятницы."]
    published = [e for e in service.case(case_id).events if e.type == "published"]
    assert len(published) == 1
    assert service.case(case_id).stage == "answered"
