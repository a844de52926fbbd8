"""Another town's regulation, read from TOML, run through the same engine with no code change.

Run from the repository root: ``python examples/other_city/run.py``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

from regflow.core import (
    Author,
    Classify,
    Detect,
    Message,
    Organization,
    Place,
    Platform,
    deadlines,
    handle,
)
from regflow.rules import load_regulation_file

HERE = Path(__file__).resolve().parent
regulation = load_regulation_file(HERE / "regulation.toml")
org = Organization.from_toml_file(HERE / "organization.toml")

print(f"{regulation.title}, version {regulation.version}")
print(f"Working time: {dict(regulation.working_time.hours)} in {regulation.working_time.timezone}")
print()
for rule in regulation.effective.deadlines:
    print(f"{rule.citation.clause:>6}  {rule.describe()}")

zone = ZoneInfo(regulation.working_time.timezone)
detected = dt.datetime(2025, 11, 10, 11, 30, tzinfo=zone)  # a Monday, half an hour before lunch
sample = Message(
    platform=Platform.VK,
    place=Place(owner_id="-200000001", post_id="15", comment_id="7"),
    url="https://vk.com/wall-200000001_15?reply=7",
    author=Author(id="900", name="Житель"),
    text="Во дворе на улице Мира не горит ни один фонарь",
    published_at=detected - dt.timedelta(minutes=10),
    detected_at=detected,
    source_system="example",
    source_event_id="sample-1",
)
case, _events = handle(
    regulation, org, None, Detect(case_id="sample", actor="kovaleva", at=detected, message=sample)
)


def show(heading: str) -> None:
    print()
    print(heading)
    for state in deadlines(case, regulation, organization=org):
        print(f"  {state.id:>8}  {state.due:%a %Y-%m-%d %H:%M}  ({state.basis}, {state.clause})")


show(f"A message detected {detected:%a %Y-%m-%d %H:%M} ({zone.key}) is due:")
classified = detected + dt.timedelta(minutes=10)
case, _events = handle(
    regulation,
    org,
    case,
    Classify(
        case_id="sample",
        actor="kovaleva",
        at=classified,
        topics=("lighting",),
        location="ул. Мира",
        importance="high",
    ),
)
show("The curator classifies it as of high importance ten minutes later:")
