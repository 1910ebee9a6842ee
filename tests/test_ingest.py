"""Ingestion: raw pages (galleries, articles, HTML) → clean passages, on the real corpus
and on small synthetic pages of each shape."""

from __future__ import annotations

import codecs
import json
import re
from collections import Counter
from pathlib import Path

import pytest

from qa_bot.index import read_passages
from qa_bot.ingest import (
    ATTRIBUTED,
    Block,
    IngestError,
    credit_gallery,
    decode,
    extract_blocks,
    is_byline,
    is_furniture,
    normalize,
    numbered_gallery,
    text_paragraphs,
)
from qa_bot.manifest import load_manifest
from qa_bot.models import Passage

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "corpus"
EXPECTED = json.loads((REPO / "tests" / "data" / "expected_content.json").read_text(encoding="utf-8"))
FORBIDDEN = ["<", "css-", "http", "](", "Advertisement", "Continue reading", "Skip to", "Like Washington Post", "READ:"]
SENTENCE_END = tuple('.!?"”’')


def norm(text: str) -> str:
    return " ".join(text.split()).casefold()


def of(passages: list[Passage], prefix: str) -> list[Passage]:
    return [p for p in passages if p.document.startswith(prefix)]


# --- the real corpus against the hand-checked expectations -------------------------------------


def test_expectations_cover_every_corpus_file(corpus_read) -> None:
    documents, _ = corpus_read
    assert sorted(EXPECTED) == sorted(d.file for d in documents)


@pytest.mark.parametrize("file", sorted(EXPECTED))
def test_every_expected_sentence_is_in_exactly_one_passage(corpus_read, file: str) -> None:
    passages = [norm(p.text) for p in corpus_read[1] if p.document == file]
    problems = []
    for sentence in EXPECTED[file]["sentences"]:
        count = sum(norm(sentence) in text for text in passages)
        if count != 1:
            problems.append(f"{count}x: {sentence[:90]}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("file", sorted(EXPECTED))
def test_captions_keep_their_credit_in_the_same_passage(corpus_read, file: str) -> None:
    passages = [norm(p.text) for p in corpus_read[1] if p.document == file]
    missing = [
        (caption, credit) for caption, credit in EXPECTED[file]["caption_credits"]
        if not any(norm(caption) in text and norm(credit) in text for text in passages)
    ]
    assert not missing


@pytest.mark.parametrize("file", sorted(EXPECTED))
def test_page_furniture_is_in_no_passage(corpus_read, file: str) -> None:
    passages = [norm(p.text) for p in corpus_read[1] if p.document == file]
    found = [f for f in EXPECTED[file]["furniture"] if any(norm(f) in text for text in passages)]
    assert not found


def test_no_markup_links_or_prompts_survive(corpus_read) -> None:
    bad = [(p.document[:3], s, p.text[:80]) for p in corpus_read[1] for s in FORBIDDEN if s in p.text]
    assert not bad


def test_passages_are_at_most_130_words(corpus_read) -> None:
    assert max(len(p.text.split()) for p in corpus_read[1]) <= 130


def _ends_cleanly(text: str) -> bool:
    """At a sentence's end, a credit's, or a quotation's attribution ("” — Monther, Aleppo resident")."""
    return text.endswith(SENTENCE_END) or text.endswith(")") or bool(ATTRIBUTED.search(text))


def test_passages_end_at_a_sentence_end_or_credit(corpus_read) -> None:
    bad = [p.text[-60:] for p in corpus_read[1] if not is_byline(p.text) and not _ends_cleanly(p.text)]
    assert not bad


def test_passage_kinds_follow_the_page_shape(corpus_read) -> None:
    passages = corpus_read[1]
    for gallery in ("000", "001"):
        kinds = Counter(p.kind for p in of(passages, gallery))
        assert kinds["caption"] > 0.8 * sum(kinds.values()), (gallery, kinds)
    for article in ("002", "003"):
        kinds = Counter(p.kind for p in of(passages, article))
        assert kinds["paragraph"] > 0.8 * sum(kinds.values()), (article, kinds)
    kinds = Counter(p.kind for p in of(passages, "004"))
    assert kinds["caption"] >= 3 and kinds["paragraph"] >= 10, kinds


def test_a_caption_repeated_in_a_gallery_is_kept_once(corpus_read) -> None:
    raw = (CORPUS / next(f for f in EXPECTED if f.startswith("001"))).read_text(encoding="utf-8")
    phrase = "A general view shows Syrian pro-government forces walking in the ancient Umayyad mosque"
    assert raw.count(phrase) == 2  # the page itself repeats it
    assert sum(norm(phrase) in norm(p.text) for p in of(corpus_read[1], "001")) == 1


def test_passages_carry_their_documents_attribution(corpus_read) -> None:
    documents, passages = corpus_read
    by_file = {d.file: d for d in load_manifest(CORPUS)}
    assert documents == list(by_file.values())
    for p in passages:
        doc = by_file[p.document]
        assert (p.outlet, p.published, p.title, p.url, p.authors, p.date_inferred) == (
            doc.outlet, doc.published, doc.title, doc.url, list(doc.authors), doc.date_inferred)
    assert {p.document for p in passages} == set(by_file)


def test_ids_are_list_positions_and_positions_increase(corpus_read) -> None:
    passages = corpus_read[1]
    assert [p.id for p in passages] == list(range(len(passages)))
    for file in EXPECTED:
        positions = [p.position for p in passages if p.document == file]
        assert positions == sorted(positions) and len(set(positions)) == len(positions)
        assert positions[0] == 0


def test_sentence_spans_lie_inside_the_text(corpus_read) -> None:
    for p in corpus_read[1]:
        assert p.sentences, p.text
        ends = [0]
        for start, end in p.sentences:
            assert ends[-1] <= start < end <= len(p.text)
            ends.append(end)


def test_caption_dates_are_resolved_against_the_published_date(corpus_read) -> None:
    caption = next(p for p in of(corpus_read[1], "000") if "on Dec. 4" in p.text and p.kind == "caption")
    assert "2016-12-04" in caption.dates
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d", d) for p in corpus_read[1] for d in p.dates)


# --- synthetic pages, one per shape ---------------------------------------------------------------

CREDIT_GALLERY = """Gallery of the week

The city has been reduced to a small sliver as the army advances.

A boy rides a bike in Hanano on Dec. 4.

Hassan Ammar / AP

Smoke rises over the old city on Dec. 5.

Residents said the shelling had not stopped for two days.

Youssef Karwashan / AFP - Getty Images

People carry their belongings on Dec. 7.

Omar Sanadiki / Reuters

PHOTOS - Aleppo Exodus: Terrified Syrians Flee
"""


def test_credit_line_gallery_joins_each_caption_with_its_credit() -> None:
    blocks = extract_blocks(CREDIT_GALLERY, "Gallery of the week")
    assert blocks == [
        Block("The city has been reduced to a small sliver as the army advances.", "paragraph"),
        Block("A boy rides a bike in Hanano on Dec. 4. (Hassan Ammar / AP)", "caption"),
        Block("Smoke rises over the old city on Dec. 5. Residents said the shelling had not stopped for two days. "
              "(Youssef Karwashan / AFP - Getty Images)", "caption"),
        Block("People carry their belongings on Dec. 7. (Omar Sanadiki / Reuters)", "caption"),
    ]


def test_credit_gallery_needs_three_credits() -> None:
    assert credit_gallery(["A caption.", "Hassan Ammar / AP", "Another caption."]) is None


NUMBERED_GALLERY = """date 2016-12-13 Battle for Aleppo
After weeks of heavy fighting, regime forces pushed to take the city.
1
A wounded woman is helped onto a truck on Dec.14. (George Ourfalian/AFP/Getty Images)
2
Residents arrive in the Fardos neighborhood on Dec. 13. (AFP/Getty Images)
3
Forces advance in the Jisr al-Haj neighbourhood on Dec. 14. (George Ourfalian/AFP/Getty Images)
"""


def test_numbered_gallery_drops_numbers_and_header() -> None:
    blocks = extract_blocks(NUMBERED_GALLERY, "Battle for Aleppo")
    assert [b.kind for b in blocks] == ["paragraph", "caption", "caption", "caption"]
    assert blocks[0].text == "After weeks of heavy fighting, regime forces pushed to take the city."
    assert blocks[1].text == "A wounded woman is helped onto a truck on Dec.14. (George Ourfalian/AFP/Getty Images)"
    text = " ".join(b.text for b in blocks)
    assert "date 2016" not in text and "Battle for Aleppo" not in text
    assert not any(re.fullmatch(r"\d+", b.text) for b in blocks)


def test_numbered_gallery_rejects_plain_text() -> None:
    assert numbered_gallery(["One paragraph.", "Another paragraph.", "A third one."]) is None


PLAIN_ARTICLE = """Skip to main content

Syrian forces push rebels to the brink

Aleppo's fall would leave rebels struggling to keep the anti-
Assad rebellion alive.

Advertisement

READ: What will happen when Aleppo falls

Like Washington Post World on Facebook and stay updated on foreign news

The U.N. said it was alarmed by
reports of atrocities against civilians.

Mr.
Lavrov said talks would continue in Geneva.

- Sergei Ryabkov, Russian Deputy Foreign Minister

Rebels withdraw from Aleppo, state media says.
Rebel fighters said the battle was over.
"""


def test_plain_article_drops_furniture_and_rejoins_wrapped_lines() -> None:
    texts = [b.text for b in extract_blocks(PLAIN_ARTICLE, "Syrian forces push rebels to the brink")]
    assert texts == [
        "Aleppo's fall would leave rebels struggling to keep the anti-Assad rebellion alive.",
        "The U.N. said it was alarmed by reports of atrocities against civilians.",
        "Mr. Lavrov said talks would continue in Geneva.",
        "Rebels withdraw from Aleppo, state media says.",
        "Rebel fighters said the battle was over.",
    ]


def test_text_paragraphs_rejoins_hyphen_wraps_only() -> None:
    assert text_paragraphs("the anti-\nAssad rebellion.") == ["the anti-Assad rebellion."]
    assert text_paragraphs("First line ends.\nSecond line starts.") == ["First line ends.", "Second line starts."]
    assert text_paragraphs("a line that wraps\nin the middle.") == ["a line that wraps in the middle."]


@pytest.mark.parametrize("line", [
    "Skip to main content", "Advertisement", "READ: What will happen when Aleppo falls", "Read more:",
    "Like Washington Post World on Facebook and stay updated on foreign news", "https://nyti.ms/2ht0VGa",
    "Democracy Dies in Darkness", "- Sergei Ryabkov, Russian Deputy Foreign Minister", "© 2020 The New York Times Company",
])
def test_furniture_lines(line: str) -> None:
    assert is_furniture(line)


@pytest.mark.parametrize("line", [
    "The U.N. said it was alarmed by reports of atrocities.",
    "“I am waiting to die,” wrote Ameen al-Halabi, a photographer.",
])
def test_content_lines_are_not_furniture(line: str) -> None:
    assert not is_furniture(line)


HTML_PAGE = """<div id="app">
<div class="css-1aor85t" style="opacity:0.000000001;z-index:-1;visibility:hidden">
<span class="css-fwqvlz">A hidden sticky header repeats the headline of the story here.</span>
</div>
<div id="top-wrapper" class="css-1sy8kpn"><div id="top-slug" class="css-l9onyx">

Advertisement

</div></div>
<div id="site-content" data-role="main">
<div class="css-79elbk" data-testid="photoviewer-children">

![<span class="css-16f3y1r e13ogyst0" data-aria-hidden="true">Residents
fleeing the violence gathered at a government
checkpoint on Thursday.</span><span class="css-cnj6d5 e1z0qqy90" itemprop="copyrightHolder"><span class="css-1ly73wi">Credit...</span><span><span>Youssef
Karwashan/Agence France-Presse — Getty
Images</span></span></span>](https://static01.example.com/images/10Syria.jpg?quality=75&auto=webp)

</div>
<div class="css-53u6y8">
<p class="css-exrw3m evys1bk0">The United Nations said it had received reports from <a href="https://example.com/ohchr">the human rights office</a> that hundreds of men were missing.</p>
<div class="css-1cl0l7b">

Advertisement

</div>
<p class="css-exrw3m">Officials told <span class="css-1dv1kvn">reporters</span> that [thousands of civilians](https://www.example.com/story) had fled on Friday.</p>
</div>
</div>
</div>"""


def test_html_page_yields_clean_caption_and_paragraphs() -> None:
    blocks = extract_blocks(HTML_PAGE, "Chaos in Aleppo")
    assert blocks == [
        Block("Residents fleeing the violence gathered at a government checkpoint on Thursday. "
              "(Youssef Karwashan/Agence France-Presse — Getty Images)", "caption"),
        Block("The United Nations said it had received reports from the human rights office that hundreds of men "
              "were missing.", "paragraph"),
        Block("Officials told reporters that thousands of civilians had fled on Friday.", "paragraph"),
    ]
    text = " ".join(b.text for b in blocks)
    for junk in ("hidden sticky header", "Advertisement", "Credit...", "css-", "<", "http", "]("):
        assert junk not in text


# --- unreadable files name the file -------------------------------------------------------------------


def test_decode_rejects_binary_and_non_utf8() -> None:
    with pytest.raises(IngestError, match="photo.txt"):
        decode(b"\x89PNG\r\n\x1a\n\x00\x00\x00", "photo.txt")
    with pytest.raises(IngestError, match="latin.txt"):
        decode("Caf\u00e9 in Aleppo.".encode("latin-1"), "latin.txt")
    assert decode("\ufeffA BOM is fine.".encode("utf-8"), "bom.txt") == "A BOM is fine."


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be", "utf-32"])
def test_text_saved_with_a_byte_order_mark_is_read_in_its_encoding(codec: str) -> None:
    text = "Café in Aleppo — “quoted”."
    data = text.encode(codec) if codec != "utf-16-be" else codecs.BOM_UTF16_BE + text.encode(codec)
    assert decode(data, "notepad.txt") == text
    with pytest.raises(IngestError, match="damaged"):
        decode(data[:-1] if codec != "utf-32" else data[:-2], "cut.txt")


def test_an_html_page_is_read_in_the_charset_it_declares() -> None:
    page = '<html><head><meta charset="windows-1252"></head><body><p>Caf\u00e9 \u201cn\u00e4ive\u201d</p></body></html>'
    assert decode(page.encode("cp1252"), "page.html") == page
    legacy = page.replace('<meta charset="windows-1252">', '<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1">')
    assert decode(legacy.replace("\u201c", '"').replace("\u201d", '"').encode("latin-1"), "old.html").count("Caf\u00e9") == 1
    with pytest.raises(IngestError, match="not UTF-8"):  # a charset nobody knows is not a licence to guess
        decode(page.replace("windows-1252", "klingon-8").encode("cp1252"), "odd.html")


def test_read_passages_rejects_an_empty_file(corpus_copy: Path) -> None:
    target = next(corpus_copy.glob("002_*.txt"))
    target.write_bytes(b"")
    with pytest.raises(IngestError, match=target.name):
        read_passages(corpus_copy)


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Tom &amp; Jerry", "Tom & Jerry"),  # ASCII, but an entity: ftfy must still run
        ("bell\x07 here", "bell here"),  # a control character
        ("Assad\u00e2\u20ac\u2122s forces", "Assad\u2019s forces"),  # mojibake
        ("plain   ascii\n text ", "plain ascii text"),
    ],
)
def test_normalize_repairs_text_and_skips_ftfy_only_when_it_would_change_nothing(raw: str, clean: str) -> None:
    import ftfy

    assert normalize(raw) == clean
    assert normalize(raw) == " ".join(ftfy.fix_text(raw, uncurl_quotes=False).replace("\u00a0", " ").split())


BYLINE_PAGE = """<div class="css-1baulvz">

By [<span itemprop="name">Anne
Barnard</span>](https://example.com/by/anne-barnard) and
<span class="last-byline" itemprop="name">Nick Cumming-Bruce</span>

</div>

  - Dec. 9,
    2016

<p>BEIRUT, Lebanon — Hundreds of men who escaped rebel-held areas have disappeared, the United Nations said.</p>

  - Dec. 10, 2016
"""


def test_the_date_printed_under_a_byline_stays_with_it_and_a_loose_date_is_dropped() -> None:
    """The byline's date is the only place a page says when it was published; a date
    after anything else is page furniture (a timestamp of a related link)."""
    texts = [block.text for block in extract_blocks(BYLINE_PAGE)]
    assert texts[0] == "By Anne Barnard and Nick Cumming-Bruce, Dec. 9, 2016"
    assert is_byline(texts[0]) and not is_byline("Dec. 9, 2016")
    assert not any("Dec. 10" in text for text in texts)
    assert texts[1].startswith("BEIRUT, Lebanon")


def test_the_nyt_byline_carries_its_printed_date(corpus_read) -> None:
    bylines = [p.text for p in of(corpus_read[1], "004") if p.text.startswith("By ")]
    assert bylines == ["By Anne Barnard and Nick Cumming-Bruce, Dec. 9, 2016"]


def test_a_pull_quotes_attribution_joins_the_quotation_beside_it() -> None:
    """Middle East Eye sets "- Monther, Aleppo resident" on a line of its own, before or
    after the quotation; dropped as a dash-led line, "who said 'They want to kill us'"
    had no answer in the passages."""
    raw = ("Title\n\nHe said that Russian air strikes had not stopped, even when Moscow said they had.\n\n"
           "- Monther, Aleppo resident\n\n"
           "“They want to kill us, not to save us. And they were able to do all this.”\n\n"
           "'This agreement has not yet been reached, largely because the United States insists on terms'\n\n"
           "- Sergei Ryabkov, Russian Deputy Foreign Minister\n\n"
           "- Home\n\nRead more about it here, and subscribe now to the newsletter.\n")
    texts = [b.text for b in extract_blocks(raw, "Title")]
    assert "“They want to kill us, not to save us. And they were able to do all this.” — Monther, Aleppo resident" in texts
    assert texts[0] == "He said that Russian air strikes had not stopped, even when Moscow said they had."
    assert any(t.endswith("insists on terms' — Sergei Ryabkov, Russian Deputy Foreign Minister") for t in texts)
    assert not any("Home" in t for t in texts)  # a dash-led line beside no quotation is still furniture
