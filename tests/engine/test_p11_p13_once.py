"""One person never judges their own draft (п. 5, п. 10, п. 11), and a publication is
requested once until it fails for good (п. 13) (issue 15, part 4)."""

from __future__ import annotations

import attrs
import pytest

from regflow.core import ApproveDraft, RequestPublication
from regflow.core.organization import Organization
from regflow.errors import PermissionDenied, RuleViolation
from tests.engine.conftest import CURATOR, ROOT, CaseDriver

DAY = "2025-11-06"  # a Thursday; nobody in the example organisation is absent
SECOND_CURATOR = "belov"


def _curator_executes(*, second_curator: bool = False) -> Organization:
    """The example organisation with the curator listed first among housing's executors
    (and, if asked, a second curator)."""
    text = (ROOT / "examples" / "blagoveshchensk" / "organization.toml").read_text("utf-8")
    text = text.replace(
        'executors = ["ivanova", "petrov", "sidorova"]',
        f'executors = ["{CURATOR}", "ivanova", "petrov", "sidorova"]',
    )
    if second_curator:
        text = text.replace(
            f'curators = ["{CURATOR}"]', f'curators = ["{CURATOR}", "{SECOND_CURATOR}"]'
        )
    return Organization.from_toml(text)


def _her_own_draft(org: Organization) -> CaseDriver:
    return _drafted_by(org, CURATOR)


def _drafted_by(org: Organization, executor: str) -> CaseDriver:
    driver = attrs.evolve(CaseDriver.detected(f"{DAY} 09:00"), org=org)
    driver.classify("09:05", topics=("heating",)).route("09:10", "housing")
    driver.assign("09:20", "housing", executor)
    return driver.submit("10:00", actor=executor)


def test_p11_the_curator_listed_as_an_executor_may_not_approve_her_own_draft() -> None:
    driver = _her_own_draft(_curator_executes())
    before = driver.case
    with pytest.raises(PermissionDenied, match="sent draft 1 and may not approve it") as info:
        driver.approve("10:10")
    assert info.value.clause == "п. 11"
    assert driver.case is before


def test_p11_nor_return_it_for_rework() -> None:
    driver = _her_own_draft(_curator_executes())
    with pytest.raises(PermissionDenied, match="sent draft 1 and may not return it") as info:
        driver.rework("10:10")
    assert info.value.clause == "п. 11"


def test_p11_another_curator_judges_it() -> None:
    driver = _her_own_draft(_curator_executes(second_curator=True))
    at = driver.when("10:10")
    driver.do(ApproveDraft(case_id=driver.case.id, actor=SECOND_CURATOR, at=at))
    assert driver.case.stage == "approved"


def test_p11_the_curator_listed_as_an_executor_approves_a_draft_she_did_not_send() -> None:
    driver = _drafted_by(_curator_executes(), "ivanova").approve("10:10")
    assert driver.case.stage == "approved"


def _approved() -> CaseDriver:
    driver = CaseDriver.detected(f"{DAY} 09:00")
    driver.classify("09:05", topics=("heating",)).route("09:10", "housing")
    driver.assign("09:20", "housing")
    return driver.submit("10:00").approve("10:10")


def test_p13_a_pending_publication_is_not_requested_twice() -> None:
    driver = _approved().request("10:15")
    before = driver.case
    with pytest.raises(RuleViolation, match="draft 1 was requested and is pending") as info:
        driver.request("10:20")
    assert info.value.clause == "п. 13"
    assert driver.case is before


def test_p13_a_transient_failure_leaves_it_pending() -> None:
    driver = _approved().request("10:15").fail("10:16", "timeout", permanent=False)
    with pytest.raises(RuleViolation, match="is pending"):
        driver.request("10:20")


def test_p13_after_a_permanent_failure_the_request_is_a_retry() -> None:
    driver = _approved().request("10:15").fail("10:16", "comments closed", permanent=True)
    assert driver.case.failure == "comments closed"
    driver.request("10:20")
    assert driver.case.failure is None
    with pytest.raises(RuleViolation, match="is pending"):
        driver.request("10:25")


def test_p13_the_executor_requests_through_the_command() -> None:
    driver = _approved()
    who = driver.case.lead_executor
    assert who is not None
    driver.do(RequestPublication(case_id=driver.case.id, actor=who, at=driver.when("10:15")))
    assert driver.case.draft is not None
    assert driver.case.draft.state == "requested"
