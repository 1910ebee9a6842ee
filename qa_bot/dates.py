"""Dates written in news text and in questions ("on Dec. 13", "December 12th", "on Monday").

Captions date their photos and reports say "on Monday"; resolving both to calendar
dates lets a question that names a day find the passages about that day.
"""

from __future__ import annotations

import datetime as dt
import re

MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4,
    "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9, "sept": 9,
    "september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
}
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?:,?\s*(?P<year>(?:19|20)\d\d))?"
MONTH_DAY = re.compile(rf"\b{_MONTH}\s*{_DAY}\b{_YEAR}", re.IGNORECASE)
DAY_MONTH = re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MONTH}\b{_YEAR}", re.IGNORECASE)
ISO = re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<month>\d\d)-(?P<day>\d\d)\b")
WEEKDAY = re.compile(r"\b(?:on|late on|early|last|this)?\s*(?P<weekday>" + "|".join(WEEKDAYS) + r")\b", re.IGNORECASE)


def find_dates(text: str, reference: dt.date | None = None, weekdays: bool = True) -> list[dt.date]:
    """Calendar dates mentioned in `text`; a missing year is read against `reference`."""
    found: list[dt.date] = []
    for match in ISO.finditer(text):
        _append(found, int(match["year"]), int(match["month"]), int(match["day"]))
    for pattern in (MONTH_DAY, DAY_MONTH):
        for match in pattern.finditer(text):
            month = MONTHS[match["month"].lower()]
            year = int(match["year"]) if match["year"] else _year_for(month, reference)
            if year is not None:
                _append(found, year, month, int(match["day"]))
    if weekdays and reference is not None:
        for match in WEEKDAY.finditer(text):
            back = (reference.weekday() - WEEKDAYS.index(match["weekday"].lower())) % 7
            _append(found, *_ymd(reference - dt.timedelta(days=back)))
    return found


# Forms people type in a question more than news prints them: "12/12", "13.12.2016" (either
# order of day and month; both readings when both are possible), and a second day after a
# first ("Dec. 12-13", "December 12 and 13").
NUMERIC = re.compile(r"(?<![\d/.])(?P<a>[0-3]?\d)(?:/(?P<b>[0-3]?\d)(?:/(?P<y>(?:19|20)?\d\d))?"
                     r"|\.(?P<b2>[0-3]?\d)\.(?P<y2>(?:19|20)\d\d))(?![\d/.])")
SECOND_DAY = re.compile(rf"\b{_MONTH}\s*{_DAY}\s*(?:-|–|to|and|or|&)\s*(?P<day2>[0-3]?\d)(?:st|nd|rd|th)?\b",
                        re.IGNORECASE)


def month_days(text: str) -> set[tuple[int, int]]:
    """(month, day) pairs named in a question: questions rarely give the year."""
    pairs = {(d.month, d.day) for d in find_dates(text, dt.date(2000, 12, 31), weekdays=False)}
    for match in NUMERIC.finditer(text):
        a, b = int(match["a"]), int(match["b"] or match["b2"])
        pairs |= {(m, d) for m, d in ((a, b), (b, a)) if _valid(m, d)}
    for match in SECOND_DAY.finditer(text):
        month, first, last = MONTHS[match["month"].lower()], int(match["day"]), int(match["day2"])
        days = range(first, last + 1) if 0 < last - first <= 7 else (last,)
        pairs |= {(month, d) for d in days if _valid(month, d)}
    return pairs


def _valid(month: int, day: int) -> bool:
    try:
        dt.date(2000, month, day)  # a leap year: Feb. 29 is a day a question may name
    except ValueError:
        return False
    return True


def _year_for(month: int, reference: dt.date | None) -> int | None:
    if reference is None:
        return None
    # "Dec. 4" in a January article is last year's December.
    return reference.year - 1 if month > reference.month + 1 else reference.year


def _ymd(day: dt.date) -> tuple[int, int, int]:
    return day.year, day.month, day.day


def _append(found: list[dt.date], year: int, month: int, day: int) -> None:
    try:
        value = dt.date(year, month, day)
    except ValueError:
        return
    if value not in found:
        found.append(value)
