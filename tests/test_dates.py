"""Dates written in captions, reports and questions."""

from __future__ import annotations

import datetime as dt

import pytest

from qa_bot.dates import find_dates, month_days

TUESDAY = dt.date(2016, 12, 13)
D = dt.date


@pytest.mark.parametrize(("text", "expected"), [
    ("Residents arrive in Fardos on Dec. 13, after troops retook the area.", [D(2016, 12, 13)]),
    ("in the northern embattled city of Aleppo on Dec.14.", [D(2016, 12, 14)]),
    ("Celebrations on December 12th in the west of the city.", [D(2016, 12, 12)]),
    ("the offensive began on 13 December", [D(2016, 12, 13)]),
    ("the 15th of November", [D(2016, 11, 15)]),
    ("date 2016-12-13 Battle for Aleppo", [D(2016, 12, 13)]),
    ("Eastern Aleppo, Syria on Dec. 4, 2016.", [D(2016, 12, 4)]),
    ("a photo from Dec. 4, 2015", [D(2015, 12, 4)]),
    ("on Nov. 26, government forces stormed the Hanano district", [D(2016, 11, 26)]),
    ("from Dec. 5 to Dec. 7", [D(2016, 12, 5), D(2016, 12, 7)]),
    ("on Dec. 13 (13 December)", [D(2016, 12, 13)]),
])
def test_calendar_dates(text: str, expected: list[dt.date]) -> None:
    assert find_dates(text, TUESDAY) == expected


@pytest.mark.parametrize("text", [
    "on Dec. 45", "on Feb. 30", "2016-13-45", "13 civilians fled in 2016", "They said 98 percent", "",
])
def test_no_date_where_there_is_none(text: str) -> None:
    assert find_dates(text, TUESDAY) == []


@pytest.mark.parametrize(("text", "expected"), [
    ("The military said on Monday it controlled 98 percent.", D(2016, 12, 12)),
    ("late on Tuesday the ceasefire collapsed", D(2016, 12, 13)),
    ("Residents gathered on Thursday.", D(2016, 12, 8)),
    ("Last Wednesday the shelling stopped.", D(2016, 12, 7)),
])
def test_weekdays_resolve_to_the_latest_such_day_up_to_the_reference(text: str, expected: dt.date) -> None:
    assert find_dates(text, TUESDAY) == [expected]


def test_weekdays_need_a_reference_and_can_be_switched_off() -> None:
    assert find_dates("on Monday", None) == []
    assert find_dates("on Monday", TUESDAY, weekdays=False) == []


def test_missing_year_needs_a_reference() -> None:
    assert find_dates("on Dec. 13", None) == []
    assert find_dates("on 2016-12-13", None) == [D(2016, 12, 13)]


def test_december_in_a_january_article_is_last_year() -> None:
    assert find_dates("photographed on Dec. 28", D(2017, 1, 5)) == [D(2016, 12, 28)]
    assert find_dates("on Jan. 2", D(2017, 1, 5)) == [D(2017, 1, 2)]


@pytest.mark.parametrize(("question", "expected"), [
    ("What happened on Dec. 13?", {(12, 13)}),
    ("what happened dec 14", {(12, 14)}),
    ("What happened on December 12th?", {(12, 12)}),
    ("What happened on 13 December?", {(12, 13)}),
    ("What happened on 2016-12-11?", {(12, 11)}),
    ("between Dec. 12 and Dec. 14", {(12, 12), (12, 14)}),
    ("What happened on Monday?", set()),
    ("How many civilians were killed?", set()),
])
def test_month_days_of_questions(question: str, expected: set[tuple[int, int]]) -> None:
    assert month_days(question) == expected


@pytest.mark.parametrize(("question", "pairs"), [
    ("what happened on 12/12", {(12, 12)}),
    ("what happened on 13/12/2016", {(12, 13)}),  # only one reading is a date
    ("what happened on 12/13/16", {(12, 13)}),
    ("what happened on 13.12.2016", {(12, 13)}),
    ("what happened on 5/12", {(5, 12), (12, 5)}),  # either order: both readings
    ("what happened on Dec 13-14", {(12, 13), (12, 14)}),
    ("what happened on December 12 and 13", {(12, 12), (12, 13)}),
    ("what happened on Dec. 12 to 14", {(12, 12), (12, 13), (12, 14)}),
    ("how many of the 1.5 million people fled", set()),  # a decimal is not a date
    ("what happened in 2016/2017", set()),
])
def test_numeric_dates_and_second_days_in_questions(question: str, pairs: set[tuple[int, int]]) -> None:
    assert month_days(question) == pairs
