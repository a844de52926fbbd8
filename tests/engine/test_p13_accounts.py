"""п. 13: the answer is published where the message appeared, from an official account.

п. 3, 4: Facebook and Instagram stay in the 2020 text but an administration keeps
no account there (both blocked in Russia since March 2022): such a message is
accepted at detection and its publication is refused. 2025-11-06 is a Thursday.
"""

from __future__ import annotations

from typing import Any

import attrs

from regflow.core import OfficialAccount, Place, Platform, RequestPublication
from regflow.core.events import PublicationRequested
from regflow.errors import RuleViolation
from tests.engine import test_other_city as ensk
from tests.engine.conftest import ORG, REGULATION, CaseDriver, refused

ADMIN_VK = "https://vk.com/example_blagoveshchensk_admin"


def approved(**message: Any) -> CaseDriver:
    case = CaseDriver.detected("2025-11-06 09:00", **message)
    case.classify("09:05").route("09:10", "improvement").assign("09:15", "improvement")
    return case.submit("09:30", text="Снег вывезут до пятницы").approve("09:40")


def request(case: CaseDriver, account: str | None) -> CaseDriver:
    who = case.case.lead_executor
    assert who is not None
    return case.do(
        RequestPublication(case_id=case.case.id, actor=who, at=case.when("09:45"), account=account)
    )


def requested_account(case: CaseDriver) -> str | None:
    payload = case.case.events[-1].data
    assert isinstance(payload, PublicationRequested)
    return payload.account


def test_p13_without_an_account_the_administrations_account_on_the_platform_is_used() -> None:
    case = request(approved(), None)
    assert requested_account(case) == ADMIN_VK


def test_p13_an_official_account_may_be_named_by_its_url_or_its_id() -> None:
    assert requested_account(request(approved(), ADMIN_VK)) == ADMIN_VK
    assert requested_account(request(approved(), "-100000001")) == ADMIN_VK


def test_p13_an_account_that_is_not_official_is_refused() -> None:
    case = approved()
    text = refused(case, RuleViolation, "п. 13", lambda: request(case, "https://vk.com/someone"))
    assert "not an official account" in text
    assert ADMIN_VK in text  # the message names the official ones


def test_p13_an_official_account_of_another_platform_is_refused() -> None:
    case = approved()  # a VK comment
    ok_account = "https://ok.ru/group/example_blagoveshchensk_admin"
    text = refused(case, RuleViolation, "п. 13", lambda: request(case, ok_account))
    assert "on vk" in text


def test_p13_a_platform_with_no_official_account_is_refused_clearly() -> None:
    assert not ORG.official_accounts(Platform.FACEBOOK)
    case = approved(
        platform=Platform.FACEBOOK,
        place=Place(post_id="10158"),
        url="https://www.facebook.com/groups/1/posts/10158",
    )
    assert case.case.stage == "approved"  # п. 3 lists Facebook: accepted, routed, answered
    text = refused(case, RuleViolation, "п. 13", lambda: request(case, None))
    assert "no official account on facebook" in text


def test_p03_facebook_and_instagram_stay_accepted_with_a_cited_note_that_they_are_blocked() -> None:
    assert {Platform.FACEBOOK, Platform.INSTAGRAM} <= set(REGULATION.platforms)
    notes = [n.note for n in REGULATION.notes if n.citation.clause == "п. 3"]
    blocked = next(n for n in notes if "blocked" in n)
    for fact in ("4 March 2022", "14 March 2022", "21 March 2022", "Tverskoy", "https://"):
        assert fact in blocked


def test_p13_official_accounts_list_the_administrations_first() -> None:
    own = OfficialAccount(Platform.VK, "https://vk.com/improvement_example", "improvement")
    org = attrs.evolve(ORG, accounts=(own, *ORG.accounts))
    assert org.official_accounts(Platform.VK)[0].department is None
    assert own in org.official_accounts(Platform.VK)


def test_p13_holds_in_the_other_city_too() -> None:
    city = ensk.Ensk("2025-11-10 10:00").routed("2025-11-10 10:05")
    city.do(
        ensk.SubmitDraft,
        "2025-11-10 10:30",
        ensk.EXECUTOR,
        kind=ensk.DraftKind.ANSWER,
        text="Фонарь починят",
    )
    city.do(ensk.ApproveDraft, "2025-11-10 10:40", ensk.CURATOR)
    case = city.driver
    text = refused(
        case,
        RuleViolation,
        "п. 13",
        lambda: city.do(
            RequestPublication, "2025-11-10 10:45", ensk.EXECUTOR, account="https://vk.com/x"
        ),
    )
    assert "not an official account" in text
    city.do(RequestPublication, "2025-11-10 10:45", ensk.EXECUTOR)
    payload = case.case.events[-1].data
    assert isinstance(payload, PublicationRequested)
    assert payload.account == "https://vk.com/ensk_admin_example"
