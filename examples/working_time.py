"""The deadlines of Blagoveshchensk decree No. 2180 for one message, in working time.

Run: python examples/working_time.py [detected-at]   (default: "2025-10-31 17:45")
"""

from __future__ import annotations

import sys

from regflow.calendar import (
    OfficeHours,
    Working,
    WorkingDays,
    WorkingTime,
    in_words,
    parse_instant,
    russia,
)


def main(argv: list[str]) -> None:
    wt = WorkingTime(russia(), OfficeHours.standard(), "Asia/Yakutsk")
    detected = parse_instant(argv[0] if argv else "2025-10-31 17:45", wt.zone)

    route = wt.add(detected, Working(minutes=30))  # п. 7
    answer = wt.add(detected, Working(hours=8))  # п. 9
    draft = wt.subtract(answer, Working(hours=4))  # п. 10
    final = wt.add(answer, WorkingDays(7))  # п. 14, after an interim answer at `answer`
    final_draft = wt.subtract(final, WorkingDays(1))  # п. 10

    print(f"Detected            {detected:%a %d.%m.%Y %H:%M}")
    for clause, label, due in [
        ("п. 7 ", "route to department", route),
        ("п. 10", "draft to curator", draft),
        ("п. 9 ", "answer published", answer),
        ("п. 10", "final draft", final_draft),
        ("п. 14", "final answer", final),
    ]:
        print(f"{clause} {label:<19} {due:%a %d.%m.%Y %H:%M}  (+{in_words(due - detected)})")
    for day in (route.date(), answer.date()):
        entry = wt.calendar.day(day)
        for note in entry.notes:
            print(f"  {day:%d.%m.%Y}: {entry.kind.value}, {note.name} [{note.source}]")


if __name__ == "__main__":
    main(sys.argv[1:])
