"""Rendering answers: Telegram HTML that always parses and fits, terminal text, stable JSON."""

from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser

import pytest

from qa_bot import render
from qa_bot.models import Answer, Coverage, Document, Hit, Passage

TELEGRAM_TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler", "a", "code", "pre",
                 "blockquote", "tg-emoji"}
COVERAGE = Coverage(outlets=["NBC News", "The Boston Globe"], first="2016-12-09", last="2016-12-13", documents=5,
                    passages=150)


def passage(text: str, n: int = 0, **overrides) -> Passage:
    fields = dict(id=n, text=text, document=f"00{n % 10}_doc.txt", outlet="NBC News", published="2016-12-13",
                  title="Aleppo on the Brink", url="https://www.nbcnews.com/slideshow/aleppo", authors=[],
                  position=n, kind="caption", date_inferred=True, sentences=[(0, len(text))], dates=[])
    fields.update(overrides)
    return Passage(**fields)


def answer_of(hits: list[Hit], question: str = "What happened?") -> Answer:
    return Answer(question, abstained=False, hits=hits, coverage=COVERAGE)


class TelegramHTML(HTMLParser):
    """What Telegram's parser insists on: known tags, balanced, entities escaped."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.stack: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in TELEGRAM_TAGS:
            self.errors.append(f"tag <{tag}>")
        if tag == "a" and [k for k, _ in attrs] != ["href"]:
            self.errors.append(f"a attrs {attrs}")
        self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack.pop() != tag:
            self.errors.append(f"unbalanced </{tag}>")

    def handle_entityref(self, name):
        if name not in ("lt", "gt", "amp", "quot"):
            self.errors.append(f"entity &{name};")


def markup_problems(message: str) -> list[str]:
    checker = TelegramHTML()
    checker.feed(message)
    checker.close()
    problems = checker.errors + [f"unclosed {t}" for t in checker.stack]
    if re.search(r"&(?!(amp|lt|gt|quot|#\d+|#x[0-9a-fA-F]+);)", message):
        problems.append("bare &")
    if re.search(r"<(?!/?(" + "|".join(map(re.escape, TELEGRAM_TAGS)) + r")[\s>])", message):
        problems.append("bare <")
    return problems


def visible(message: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", message))


# --- escaping ----------------------------------------------------------------------------------------

HOSTILE = 'Forces advanced <fast> & "quickly" <script>alert(1)</script> &amp; 3 > 2 < 4.'


def test_passage_text_title_outlet_and_url_are_escaped() -> None:
    hit = Hit(passage(HOSTILE, title="A <title> & co", outlet="Outlet & <Co>",
                      url='https://example.com/a?x=1&y="2"'), 1.0, highlight=(0, 15))
    messages = render.answer_html(answer_of([hit], "<b>q</b> & <script>"))
    joined = "\n".join(messages)
    assert all(not markup_problems(m) for m in messages), [markup_problems(m) for m in messages]
    assert "<script>" not in joined and "<fast>" not in joined and "<title>" not in joined and "<Co>" not in joined
    assert "&lt;script&gt;" in joined and "&amp;amp;" in joined
    assert 'href="https://example.com/a?x=1&amp;y=&quot;2&quot;"' in joined
    assert HOSTILE in visible(joined)  # escaped, not lost
    assert "<b>q</b>" not in joined


def test_notice_and_coverage_are_escaped() -> None:
    coverage = Coverage(outlets=["A & <B>", "C"], first="2016-12-09", last="2016-12-13", documents=2, passages=3)
    answer = Answer("<i>what</i>", abstained=True, hits=[], notice="No <b>luck</b> & sorry", coverage=coverage)
    messages = render.answer_html(answer)
    assert len(messages) == 1 and not markup_problems(messages[0])
    assert "No &lt;b&gt;luck&lt;/b&gt; &amp; sorry" in messages[0] and "A &amp; &lt;B&gt;" in messages[0]
    assert "<i>what</i>" not in messages[0]


def test_highlight_is_bold_around_exactly_the_span() -> None:
    text = "First & one. Second <c> sentence. Third."
    start = text.index("Second")
    end = text.index("Third") - 1
    (message,) = render.answer_html(answer_of([Hit(passage(text), 1.0, highlight=(start, end))]))
    assert "<b>Second &lt;c&gt; sentence.</b>" in message
    assert message.count("<b>") == 1 and not markup_problems(message)


# --- fitting Telegram's limit ----------------------------------------------------------------------------


def long_text(n: int, length: int = 3000) -> str:
    unit = f"Result {n}: families fled 🇸🇾 across the river & waited <b>for</b> buses 😀. "
    return (unit * (length // len(unit) + 1))[:length]


def test_many_long_hits_are_split_into_valid_messages_under_the_limit() -> None:
    hits = [Hit(passage(long_text(n), n, outlet=f"Outlet {n}"), 1.0 - n / 100, highlight=(0, 40)) for n in range(12)]
    messages = render.answer_html(answer_of(hits))
    assert len(messages) > 1
    for message in messages:
        assert render.utf16_len(message) <= render.TELEGRAM_LIMIT
        assert not markup_problems(message), markup_problems(message)
    joined = "\n".join(messages)
    numbers = [int(m) for m in re.findall(r"(?m)^(\d+)\. <blockquote>", joined)]
    assert numbers == list(range(1, 13))
    for n in range(12):
        assert f"Outlet {n}, 13 Dec 2016" in joined


@pytest.mark.parametrize("text", ["😀" * 5000, "&" * 3000, "<" * 2000 + "x" * 3000])
def test_a_single_oversized_hit_still_fits(text: str) -> None:
    messages = render.answer_html(answer_of([Hit(passage(text), 1.0, highlight=(0, 10))]))
    assert messages
    for message in messages:
        assert 0 < render.utf16_len(message) <= render.TELEGRAM_LIMIT
        assert not markup_problems(message)


def test_utf16_length_counts_surrogate_pairs() -> None:
    assert render.utf16_len("a😀🇸🇾") == 1 + 2 + 4


def test_paging_numbers_continue() -> None:
    hits = [Hit(passage(f"Passage number {n}.", n), 1.0) for n in range(8)]
    joined = "\n".join(render.answer_html(answer_of(hits), start=3, count=3))
    assert re.findall(r"(?m)^(\d+)\. ", joined) == ["4", "5", "6"]
    assert "Passage number 3." in joined and "Passage number 6." not in joined


# --- attribution -------------------------------------------------------------------------------------------


def test_human_dates() -> None:
    assert render.human_date("2016-12-13") == "13 Dec 2016"
    assert render.human_date("2016-12-04") == "4 Dec 2016"
    assert render.human_date(None) == "date unknown"


def test_attribution_shows_outlet_date_and_inference() -> None:
    assert render.attribution(passage("x.")) == "NBC News, 13 Dec 2016 (date inferred)"
    assert render.attribution(passage("x.", outlet="The Boston Globe", date_inferred=False)) == "The Boston Globe, 13 Dec 2016"
    assert "inferred" not in render.attribution(passage("x.", published=None, date_inferred=True))


def test_every_format_carries_attribution_and_also_reported() -> None:
    other = passage("Same caption.", 1, outlet="The Boston Globe", date_inferred=False, document="001_doc.txt")
    hit = Hit(passage("Same caption."), 0.9, highlight=(0, 5), also_in=[other])
    answer = answer_of([hit])
    (message,) = render.answer_html(answer)
    text = render.answer_text(answer)
    for out in (message, text):
        assert "NBC News, 13 Dec 2016 (date inferred)" in out
        assert "Aleppo on the Brink" in out
        assert "Also reported by The Boston Globe (13 Dec 2016)" in out
    assert '<a href="https://www.nbcnews.com/slideshow/aleppo">' in message
    assert "https://www.nbcnews.com/slideshow/aleppo" in text


def test_terminal_text_marks_the_highlight() -> None:
    hit = Hit(passage("First sentence. Second sentence."), 1.0, highlight=(16, 32))
    assert "First sentence. **Second sentence.**" in render.answer_text(answer_of([hit]))
    ansi = render.answer_text(answer_of([hit]), style="ansi")
    assert "\x1b[1mSecond sentence.\x1b[0m" in ansi


def test_abstained_text_explains_and_describes_coverage() -> None:
    answer = Answer("q", abstained=True, hits=[], notice="Not covered.", coverage=COVERAGE)
    text = render.answer_text(answer)
    assert text.startswith("Not covered.")
    assert "5 news articles" in text and "NBC News" in text and "9 Dec 2016 to 13 Dec 2016" in text
    assert render.notice_text(Answer("q", abstained=True, hits=[])).strip()


# --- JSON --------------------------------------------------------------------------------------------------

RESULT_KEYS = {"text", "outlet", "published", "title", "url", "authors", "document", "score", "also_in", "highlight"}


def test_json_has_the_stable_shape() -> None:
    other = passage("Same caption.", 1, outlet="The Boston Globe", document="001_doc.txt")
    hit = Hit(passage("Same caption.", authors=["A. Writer"]), 0.87654321, highlight=(0, 5), also_in=[other])
    data = json.loads(json.dumps(render.answer_json(answer_of([hit, Hit(passage("Other.", 2), 0.5)], "<q>?"))))
    assert {"question", "abstained", "results"} <= set(data)
    assert data["question"] == "<q>?" and data["abstained"] is False
    first, second = data["results"]
    assert RESULT_KEYS <= set(first) and RESULT_KEYS <= set(second)
    assert first["text"] == "Same caption." and first["outlet"] == "NBC News" and first["published"] == "2016-12-13"
    assert first["authors"] == ["A. Writer"] and first["document"] == "000_doc.txt"
    assert first["highlight"] == [0, 5] and second["highlight"] is None
    assert abs(first["score"] - 0.87654321) < 1e-5
    assert first["also_in"] == [{"document": "001_doc.txt", "outlet": "The Boston Globe", "published": "2016-12-13"}]


def test_json_of_an_abstention() -> None:
    data = render.answer_json(Answer("France?", abstained=True, hits=[], notice="Not covered.", coverage=COVERAGE))
    assert data["abstained"] is True and data["results"] == [] and data["notice"] == "Not covered."
    json.dumps(data)


def test_a_tentative_answer_says_so_once_before_its_first_page() -> None:
    hits = [Hit(passage(f"Passage number {n}.", n), 1.0) for n in range(6)]
    sure, tentative = answer_of(hits), answer_of(hits)
    tentative.tentative = True
    first, later = render.answer_html(tentative, 0, 3), render.answer_html(tentative, 3, 3)
    assert first[0].startswith(f"<i>{html.escape(render.TENTATIVE, quote=False)}</i>")
    assert all(not markup_problems(m) for m in first)
    assert render.TENTATIVE not in "\n".join(later) and render.TENTATIVE not in "\n".join(render.answer_html(sure))
    assert render.answer_text(tentative, 0, 3).startswith(render.TENTATIVE)
    assert render.TENTATIVE not in render.answer_text(tentative, 3, 3) + render.answer_text(sure)
    assert render.answer_json(tentative)["tentative"] is True and render.answer_json(sure)["tentative"] is False


# --- the list of articles: /sources and questions about the coverage ---------------------------------


def article(n: int, **overrides) -> Document:
    fields = dict(file=f"00{n}_doc.txt", outlet=f"Outlet {n} & <Co>", title=f"Headline {n} <with> & \"marks\"",
                  published="2016-12-13", date_inferred=n % 2 == 1, authors=("A. Writer",),
                  url=f'https://example.com/{n}?a=1&b="2"')
    fields.update(overrides)
    return Document(**fields)


def test_a_question_about_the_coverage_lists_its_articles_in_every_format() -> None:
    docs = [article(1), article(2, url=None, authors=())]
    answer = Answer("What sources do you have?", abstained=True, hits=[], notice="These are the 2 articles:",
                    coverage=COVERAGE, articles=docs)
    messages = render.answer_html(answer)
    assert all(not markup_problems(m) for m in messages), [markup_problems(m) for m in messages]
    joined = "\n".join(messages)
    assert '1. <b>Outlet 1 &amp; &lt;Co&gt;</b> — <a href="https://example.com/1?a=1&amp;b=&quot;2&quot;">' in joined
    assert "13 Dec 2016 (date inferred) · A. Writer" in joined and "2. <b>Outlet 2" in joined
    text = render.answer_text(answer)
    assert text.startswith("These are the 2 articles:\n• Outlet 1 & <Co>, 13 Dec 2016 (date inferred): Headline 1")
    assert "\n  https://example.com/1" in text and text.count("• ") == 2
    data = render.answer_json(answer)
    assert data["results"] == [] and [a["document"] for a in data["articles"]] == ["001_doc.txt", "002_doc.txt"]
    assert data["articles"][1]["url"] is None and data["articles"][0]["authors"] == ["A. Writer"]
