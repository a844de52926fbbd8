"""The organisation: lookups, substitutes (п. 6), routing hints, checks, TOML in and out."""

from __future__ import annotations

import datetime as dt
import pickle
import tomllib
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from regflow._toml import dumps, loads
from regflow.core.message import Platform
from regflow.core.organization import (
    Absence,
    AbsenceReason,
    Department,
    DepartmentKind,
    DeputyMayor,
    OfficialAccount,
    Organization,
    Person,
)
from regflow.errors import (
    InvalidOrganization,
    NoExecutorAvailable,
    NotAnExecutor,
    RegflowError,
)
from regflow.rules.vocabulary import ROLES

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "blagoveshchensk" / "organization.toml"

SECTORAL, FUNCTIONAL, TERRITORIAL = (
    DepartmentKind.SECTORAL,
    DepartmentKind.FUNCTIONAL,
    DepartmentKind.TERRITORIAL,
)


def people(*ids: str) -> tuple[Person, ...]:
    return tuple(Person(i, i.capitalize()) for i in ids)


def town(**changes: Any) -> Organization:
    fields: dict[str, Any] = {
        "id": "town",
        "name": "Администрация города",
        "timezone": "Asia/Yakutsk",
        "people": people("adviser", "boss", "ivanov", "petrov", "sidorov", "deputy", "local"),
        "curators": ("adviser",),
        "departments": (
            Department(
                "housing",
                "ЖКХ",
                SECTORAL,
                head="boss",
                executors=("ivanov", "petrov", "sidorov"),
                topics=("heating", "garbage"),
            ),
            Department(
                "north",
                "Северный",
                TERRITORIAL,
                head="local",
                executors=("local",),
                topics=("garbage", "snow-removal"),
                locations=("Северный",),
            ),
            Department(
                "architecture",
                "Архитектура",
                FUNCTIONAL,
                head="boss",
                executors=("petrov",),
                topics=("building-permits",),
            ),
        ),
        "deputies": (DeputyMayor("deputy", ("heating", "garbage")),),
        "accounts": (
            OfficialAccount(Platform.VK, "https://vk.com/example_town"),
            OfficialAccount(Platform.VK, "https://vk.com/example_housing", department="housing"),
            OfficialAccount(Platform.TELEGRAM, "https://t.me/example_town"),
        ),
        "absences": (
            Absence("ivanov", dt.date(2025, 11, 20), dt.date(2025, 11, 30), AbsenceReason.LEAVE),
            Absence("petrov", dt.date(2025, 11, 25), dt.date(2025, 11, 26), AbsenceReason.ILLNESS),
        ),
    }
    fields.update(changes)
    return Organization(**fields)


def paths(error: InvalidOrganization) -> list[str]:
    return [p.path for p in error.problems]


@pytest.fixture(scope="module")
def org() -> Organization:
    return town()


# --- lookups ------------------------------------------------------------------


def test_lookups(org: Organization) -> None:
    assert org.person("ivanov").name == "Ivanov"
    assert org.department("north").kind is TERRITORIAL
    with pytest.raises(KeyError, match="nobody"):
        org.person("nobody")
    with pytest.raises(KeyError, match="roads"):
        org.department("roads")
    assert str(org.zone) == "Asia/Yakutsk"


def test_roles(org: Organization) -> None:
    assert org.roles_of("adviser") == {"curator"}
    assert org.roles_of("boss") == {"department_head"}
    assert org.roles_of("local") == {"department_head", "executor"}
    assert org.roles_of("deputy") == {"deputy_mayor"}
    assert org.roles_of("stranger") == frozenset()
    assert org.head_of("boss") == ("housing", "architecture")
    assert org.executor_in("petrov") == ("housing", "architecture")
    assert org.executor_in("adviser") == ()


def test_roles_are_the_vocabulary_roles(org: Organization) -> None:
    for person in org.people:
        assert org.roles_of(person.id) <= set(ROLES)


def test_absences_include_both_ends(org: Organization) -> None:
    assert org.is_present("ivanov", dt.date(2025, 11, 19))
    assert not org.is_present("ivanov", dt.date(2025, 11, 20))
    assert not org.is_present("ivanov", dt.date(2025, 11, 30))
    assert org.is_present("ivanov", dt.date(2025, 12, 1))
    assert org.absence_on("ivanov", dt.date(2025, 11, 25)) == org.absences[0]
    assert org.absence_on("sidorov", dt.date(2025, 11, 25)) is None


# --- п. 6: who acts -----------------------------------------------------------


def test_a_present_executor_acts_himself(org: Organization) -> None:
    assert org.resolve_executor("housing", "petrov", dt.date(2025, 11, 21)) == ("petrov", None)
    assert org.resolve_executor("housing", None, dt.date(2025, 11, 19)) == ("ivanov", None)


def test_an_absent_executor_is_replaced_by_the_next_present_one(org: Organization) -> None:
    assert org.resolve_executor("housing", "ivanov", dt.date(2025, 11, 21)) == (
        "petrov",
        "absent (leave) 2025-11-20..2025-11-30; substitute: petrov",
    )
    # petrov is ill too on the 25th: the third executor acts
    assert org.resolve_executor("housing", None, dt.date(2025, 11, 25)) == (
        "sidorov",
        "absent (leave) 2025-11-20..2025-11-30; substitute: sidorov",
    )
    # a substitute may be replaced by the main executor when the substitute is away
    assert org.resolve_executor("housing", "petrov", dt.date(2025, 11, 26)) == (
        "sidorov",
        "absent (illness) 2025-11-25..2025-11-26; substitute: sidorov",
    )


def test_no_executor_present(org: Organization) -> None:
    study = Absence("sidorov", dt.date(2025, 11, 1), dt.date(2025, 11, 30), AbsenceReason.STUDY)
    away = (*org.absences, study)
    everyone_away = attrs.evolve(org, absences=away)
    with pytest.raises(NoExecutorAvailable) as caught:
        everyone_away.resolve_executor("housing", "ivanov", dt.date(2025, 11, 25))
    assert caught.value.department == "housing"
    assert caught.value.day == dt.date(2025, 11, 25)
    assert isinstance(caught.value, LookupError)
    assert isinstance(caught.value, RegflowError)
    assert pickle.loads(pickle.dumps(caught.value)).day == dt.date(2025, 11, 25)


def test_only_an_executor_of_the_department_can_be_wanted(org: Organization) -> None:
    with pytest.raises(NotAnExecutor) as caught:
        org.resolve_executor("architecture", "ivanov", dt.date(2025, 11, 1))
    assert (caught.value.person, caught.value.department) == ("ivanov", "architecture")
    assert isinstance(caught.value, ValueError)
    with pytest.raises(KeyError):
        org.resolve_executor("roads", "ivanov", dt.date(2025, 11, 1))


# --- routing and escalation hints ---------------------------------------------


def test_competent_departments(org: Organization) -> None:
    assert org.competent_departments(["garbage"], "Северный") == ("housing", "north")
    assert org.competent_departments(["garbage"], "  северный ") == ("housing", "north")
    assert org.competent_departments(["garbage"], "Центр") == ("housing",)
    assert org.competent_departments(["garbage"], None) == ("housing",)
    assert org.competent_departments(["snow-removal"], "Северный") == ("north",)
    assert org.competent_departments(["building-permits", "heating"]) == (
        "housing",
        "architecture",
    )
    assert org.competent_departments([], "Северный") == ()


def test_deputies_and_accounts(org: Organization) -> None:
    assert org.deputies_for(["garbage", "schools"]) == ("deputy",)
    assert org.deputies_for(["schools"]) == ()
    vk = org.accounts_for(Platform.VK, "housing")
    assert [a.url for a in vk] == ["https://vk.com/example_housing", "https://vk.com/example_town"]
    assert [a.url for a in org.accounts_for(Platform.VK)] == ["https://vk.com/example_town"]
    assert [a.url for a in org.accounts_for(Platform.VK, "north")] == [
        "https://vk.com/example_town"
    ]
    assert org.accounts_for(Platform.OK) == ()


# --- checks ---------------------------------------------------------------------


def test_every_problem_of_an_organization_is_reported_at_once(org: Organization) -> None:
    departments = (
        *org.departments,
        Department("housing", "Дубль", SECTORAL, head="ghost", executors=("ivanov", "nobody")),
    )
    with pytest.raises(InvalidOrganization) as caught:
        town(
            timezone="Asia/Blagoveshchensk",
            curators=("adviser", "media"),
            people=(*org.people, Person("boss", "Второй")),
            departments=departments,
            deputies=(DeputyMayor("vice", ("roads",)),),
            accounts=(OfficialAccount(Platform.OK, "https://ok.ru/x", department="roads"),),
            absences=(
                Absence("stranger", dt.date(2025, 1, 1), dt.date(2025, 1, 2), AbsenceReason.OTHER),
            ),
        )
    error = caught.value
    assert paths(error) == [
        "$.timezone",
        "$.people[7].id",
        "$.departments[3].id",
        "$.curators[1]",
        "$.departments[3].head",
        "$.departments[3].executors[1]",
        "$.deputies[0].person",
        "$.accounts[0].department",
        "$.absences[0].person",
    ]
    assert error.path == "$.timezone"
    assert isinstance(error, ValueError)
    assert str(error).splitlines()[4] == "$.departments[3].head: unknown person 'ghost'"
    assert "first at $.people[1]" in str(error)


def test_an_organization_needs_a_curator() -> None:
    with pytest.raises(InvalidOrganization) as caught:
        town(curators=())
    assert paths(caught.value) == ["$.curators"]


def test_the_parts_check_themselves() -> None:
    with pytest.raises(InvalidOrganization) as caught:
        Absence("ivanov", dt.date(2025, 11, 30), dt.date(2025, 11, 20), AbsenceReason.LEAVE)
    assert paths(caught.value) == ["$.last"]
    with pytest.raises(InvalidOrganization) as caught:
        Department("north", "", TERRITORIAL, head="x", executors=("a", "b", "a"))
    assert paths(caught.value) == ["$.name", "$.executors[2]", "$.locations"]
    with pytest.raises(InvalidOrganization) as caught:
        Department("my dept", "Д", SECTORAL, head="x", executors=(), locations=("Центр",))
    assert paths(caught.value) == ["$.id", "$.executors", "$.locations"]
    with pytest.raises(InvalidOrganization) as caught:
        Person("", " ")
    assert paths(caught.value) == ["$.id", "$.name"]
    with pytest.raises(InvalidOrganization) as caught:
        DeputyMayor("deputy", ())
    assert paths(caught.value) == ["$.topics"]
    with pytest.raises(InvalidOrganization) as caught:
        OfficialAccount(Platform.VK, "")
    assert paths(caught.value) == ["$.url"]


def test_lookups_do_not_take_part_in_equality(org: Organization) -> None:
    assert town() == org
    assert hash(town()) == hash(org)
    assert "_index" not in repr(org)
    assert pickle.loads(pickle.dumps(org)).resolve_executor(
        "housing", "ivanov", dt.date(2025, 11, 21)
    ) == org.resolve_executor("housing", "ivanov", dt.date(2025, 11, 21))


# --- TOML -----------------------------------------------------------------------


def test_an_organization_survives_its_toml(org: Organization) -> None:
    text = org.to_toml()
    assert Organization.from_toml(text) == org
    data = tomllib.loads(text)
    assert data["absences"][0] == {
        "person": "ivanov",
        "first": dt.date(2025, 11, 20),
        "last": dt.date(2025, 11, 30),
        "reason": "leave",
    }
    assert "department" not in data["accounts"][0]  # None is left out: TOML has no null


MINIMAL = """
id = "town"
name = "Администрация"
timezone = "Asia/Yakutsk"
curators = ["adviser"]

[[people]]
id = "adviser"
name = "Советник"

[[people]]
id = "ivanov"
name = "Иванов"

[[departments]]
id = "housing"
name = "ЖКХ"
kind = "sectoral"
head = "ivanov"
executors = ["ivanov"]
"""


def test_a_minimal_toml() -> None:
    org = Organization.from_toml(MINIMAL)
    assert org.department("housing").topics == ()
    assert org.accounts == ()


def test_every_mistake_in_a_toml_file_is_reported_with_its_path() -> None:
    text = (
        MINIMAL.replace('kind = "sectoral"', 'kind = "sectorial"')
        .replace('name = "Иванов"', 'name = "Иванов"\nmail = "i@example.org"')
        .replace('executors = ["ivanov"]', 'executors = "ivanov"')
        + '\n[[absences]]\nperson = "ivanov"\nfirst = 2025-11-30\nlast = 2025-11-20\n'
        'reason = "leave"\n'
    )
    with pytest.raises(InvalidOrganization) as caught:
        Organization.from_toml(text)
    found = {p.path: p.message for p in caught.value.problems}
    assert sorted(found) == [
        "$.absences[0].last",
        "$.departments[0].executors",
        "$.departments[0].kind",
        "$.people[1].mail",
    ]
    assert "'sectoral', 'functional', 'territorial'" in found["$.departments[0].kind"]
    assert "unknown key" in found["$.people[1].mail"]
    assert "expected an array" in found["$.departments[0].executors"]
    assert "before the first day" in found["$.absences[0].last"]


def test_every_broken_reference_in_a_toml_file_is_reported_with_its_path() -> None:
    text = (
        MINIMAL.replace('curators = ["adviser"]', 'curators = ["advisor"]')
        .replace('head = "ivanov"', 'head = "ivanova"')
        .replace('timezone = "Asia/Yakutsk"', 'timezone = "Asia/Blagoveshchensk"')
    )
    with pytest.raises(InvalidOrganization) as caught:
        Organization.from_toml(text)
    assert paths(caught.value) == ["$.timezone", "$.curators[0]", "$.departments[0].head"]


def test_missing_keys_and_wrong_types() -> None:
    text = MINIMAL.replace('timezone = "Asia/Yakutsk"\n', "").replace('name = "ЖКХ"', "name = 12")
    with pytest.raises(InvalidOrganization) as caught:
        Organization.from_toml(text)
    assert paths(caught.value) == ["$.timezone", "$.departments[0].name"]
    assert "expected a string, got 12 (int)" in str(caught.value)


def test_a_toml_syntax_error_gives_its_line() -> None:
    text = MINIMAL.replace('kind = "sectoral"', "kind = sectoral")
    with pytest.raises(InvalidOrganization) as caught:
        Organization.from_toml(text, source="organization.toml")
    (problem,) = caught.value.problems
    line = text.splitlines().index("kind = sectoral") + 1
    assert problem.path == "$"
    assert f"organization.toml, line {line}, column 8" in problem.message
    assert isinstance(caught.value.__cause__, tomllib.TOMLDecodeError)


def test_files(tmp_path: Path) -> None:
    path = tmp_path / "org.toml"
    path.write_text(MINIMAL, encoding="utf-8")
    assert Organization.from_toml_file(path).id == "town"
    path.write_bytes(MINIMAL.encode("cp1251"))
    with pytest.raises(InvalidOrganization, match="not UTF-8"):
        Organization.from_toml_file(path)
    path.write_text(MINIMAL + "[[people]\n", encoding="utf-8")
    line = len(MINIMAL.splitlines()) + 1
    with pytest.raises(InvalidOrganization, match=rf"org\.toml, line {line}, column"):
        Organization.from_toml_file(path)


_text = st.text(max_size=15).filter(str.strip)


@given(
    name=_text,
    topics=st.lists(_text, max_size=3),
    location=_text,
    url=_text,
    external_id=st.none() | st.text(max_size=10),
)
def test_any_names_survive_toml(
    name: str, topics: list[str], location: str, url: str, external_id: str | None
) -> None:
    org = town(
        name=name,
        departments=(
            Department(
                "north",
                name,
                TERRITORIAL,
                head="local",
                executors=("local",),
                topics=tuple(topics),
                locations=(location,),
            ),
        ),
        accounts=(OfficialAccount(Platform.MAX, url, "north", external_id),),
        deputies=(),
    )
    assert Organization.from_toml(org.to_toml()) == org


# --- the Blagoveshchensk example --------------------------------------------------


@pytest.fixture(scope="module")
def blagoveshchensk() -> Organization:
    return Organization.from_toml_file(EXAMPLE)


def test_the_example_file(blagoveshchensk: Organization) -> None:
    org = blagoveshchensk
    assert org.id == "blagoveshchensk"
    assert str(org.zone) == "Asia/Yakutsk"
    assert org.curators == ("sokolova",)
    assert org.roles_of("sokolova") == {"curator"}
    assert len(org.departments) == 8
    assert {d.kind for d in org.departments} == set(DepartmentKind)
    assert all(2 <= len(d.executors) <= 3 for d in org.departments)
    assert len(org.deputies) == 3
    # an account on every п. 3 source but Facebook and Instagram (blocked, see the spec's п. 3)
    assert {a.platform for a in org.accounts} == {
        Platform.VK,
        Platform.OK,
        Platform.TELEGRAM,
        Platform.MAX,
        Platform.BLOG,
        Platform.MICROBLOG,
        Platform.VIDEO_HOSTING,
        Platform.FORUM,
        Platform.REVIEW_SITE,
    }
    assert all("example" in a.url for a in org.accounts)
    assert "ILLUSTRATIVE" in EXAMPLE.read_text(encoding="utf-8")


def test_the_example_substitutes_an_absent_executor(blagoveshchensk: Organization) -> None:
    org = blagoveshchensk
    assert org.resolve_executor("housing", None, dt.date(2025, 11, 19)) == ("ivanova", None)
    assert org.resolve_executor("housing", None, dt.date(2025, 11, 21)) == (
        "petrov",
        "absent (leave) 2025-11-20..2025-11-30; substitute: petrov",
    )
    acting, reason = org.resolve_executor("improvement", "volkova", dt.date(2025, 11, 25))
    assert acting == "zaitsev"
    assert reason is not None
    assert reason.startswith("absent (illness)")


def test_the_example_routes_and_escalates(blagoveshchensk: Organization) -> None:
    org = blagoveshchensk
    assert org.competent_departments(["snow-removal"], "Моховая Падь") == (
        "improvement",
        "mokhovaya-pad",
    )
    assert org.competent_departments(["schools"], "Моховая Падь") == ("education",)
    assert org.deputies_for(["schools"]) == ("orlova",)
    assert org.deputies_for(["heating"]) == ("belov",)
    education = org.accounts_for(Platform.VK, "education")
    assert education[0].department == "education"
    assert education[-1].department is None


def test_the_example_survives_toml(blagoveshchensk: Organization) -> None:
    assert Organization.from_toml(blagoveshchensk.to_toml()) == blagoveshchensk


# --- TOML in and out (tomllib, tomli-w) ------------------------------------------------

_offsets = st.integers(-23 * 60 - 59, 23 * 60 + 59).map(
    lambda m: dt.timezone(dt.timedelta(minutes=m))
)
_scalars = (
    st.text()
    | st.integers(-(2**63), 2**63 - 1)
    | st.floats(allow_nan=False)
    | st.booleans()
    | st.dates()
    | st.times()
    | st.datetimes()
    | st.datetimes(timezones=_offsets)
)
_keys = st.text(max_size=8)


def _values(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.lists(inner, max_size=4) | st.dictionaries(_keys, inner, max_size=4)


_documents = st.dictionaries(_keys, st.recursive(_scalars, _values, max_leaves=20), max_size=6)


@given(_documents)
@example({"0\n": {}, "a b": [], "": {"x": [{"": 1}]}})  # keys that need quoting
@example({"t": "line\r\nnext", "u": ["one\ntwo"]})  # a carriage return in a text
def test_what_the_writer_writes_reads_back_equal(data: dict[str, Any]) -> None:
    assert loads(dumps(data)) == data


def test_loads_names_the_source_of_a_syntax_error() -> None:
    with pytest.raises(tomllib.TOMLDecodeError) as caught:
        loads("a = ", source="rules.toml")
    assert "while reading rules.toml" in caught.value.__notes__


def test_p04_an_official_account_may_be_on_any_platform_id() -> None:
    text = MINIMAL + '\n[[accounts]]\nplatform = "dzen"\nurl = "https://dzen.ru/example"\n'
    org = Organization.from_toml(text)
    assert org.official_accounts(Platform("dzen"))[0].url == "https://dzen.ru/example"
    assert Organization.from_toml(org.to_toml()) == org
    with pytest.raises(InvalidOrganization) as caught:
        Organization.from_toml(text.replace('"dzen"', '"Дзен"'))
    found = {p.path: p.message for p in caught.value.problems}
    assert list(found) == ["$.accounts[0].platform"]
    assert "lowercase Latin letters" in found["$.accounts[0].platform"]
