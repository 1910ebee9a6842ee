"""`qa-bot corpus add/list`: a maintainer adds a page; metadata it states is detected,
what it does not state stays unknown, and a failed add changes nothing."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from qa_bot.corpus import add_document, detect_metadata
from qa_bot.index import read_passages
from qa_bot.manifest import ManifestError, load_manifest

CORPUS = Path(__file__).resolve().parent.parent / "corpus"

PAGE = """<!doctype html><html><head>
<title>Evacuation resumes | Example Wire</title>
<meta property="og:title" content="Evacuation of eastern Aleppo resumes">
<meta property="og:site_name" content="Example Wire">
<meta property="og:url" content="https://example.org/aleppo-evacuation">
<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Evacuation of eastern Aleppo resumes",
 "datePublished": "2016-12-15T08:00:00Z", "author": [{"@type": "Person", "name": "Jane Roe"}]}</script>
</head><body><nav>Home | World</nav>
<article><h1>Evacuation of eastern Aleppo resumes</h1>
<p>Buses carrying civilians and fighters left the Salaheddine crossing early on Thursday, officials said.</p>
<p>The convoy of 20 green buses was escorted by the Red Crescent towards the western countryside.</p>
</article><footer>© Example Wire</footer></body></html>"""


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    target = tmp_path / "corpus"
    shutil.copytree(CORPUS, target)
    return target


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_detects_what_an_html_page_states() -> None:
    found = detect_metadata(PAGE)
    assert found.title == "Evacuation of eastern Aleppo resumes"
    assert found.outlet == "Example Wire"
    assert found.published == "2016-12-15"
    assert found.authors == ["Jane Roe"]
    assert found.url == "https://example.org/aleppo-evacuation"


def test_plain_text_with_a_date_header_and_byline() -> None:
    found = detect_metadata("date 2016-12-14 A headline\nBy Jane Roe and John Doe\n\nBody text here.")
    assert found.published == "2016-12-14" and found.authors == ["Jane Roe", "John Doe"]
    assert found.outlet is None and found.title is None  # never invented


def test_add_copies_the_file_and_writes_a_valid_entry(corpus: Path, tmp_path: Path) -> None:
    doc, detected = add_document(corpus, write(tmp_path, "evacuation.html", PAGE))
    assert (corpus / "evacuation.html").read_text(encoding="utf-8") == PAGE
    entries = tomllib.loads((corpus / "manifest.toml").read_text(encoding="utf-8"))["document"]
    assert entries[-1]["file"] == "evacuation.html" and entries[-1]["outlet"] == "Example Wire"
    assert set(detected) == {"outlet", "title", "published", "url", "authors"}
    assert "# detected from the document" in (corpus / "manifest.toml").read_text(encoding="utf-8")
    documents, passages = read_passages(corpus)
    assert len(documents) == 6
    texts = [p.text for p in passages if p.document == "evacuation.html"]
    assert any("20 green buses" in t for t in texts) and not any("Home | World" in t for t in texts)


def test_given_values_win_and_an_unknown_date_stays_unknown(corpus: Path, tmp_path: Path) -> None:
    source = write(tmp_path, "note.txt", "Aid trucks waited at the crossing for a second day.\n")
    doc, detected = add_document(corpus, source, outlet="Desk", title="Aid trucks wait")
    assert doc.published is None and detected == []
    assert next(d for d in load_manifest(corpus) if d.file == "note.txt").published is None


@pytest.mark.parametrize("kwargs, message", [
    ({}, "outlet and title not given"),
    ({"outlet": "Desk", "title": "T", "published": "14/12/2016"}, "ISO date"),
])
def test_a_failed_add_changes_nothing(corpus: Path, tmp_path: Path, kwargs: dict, message: str) -> None:
    before = (corpus / "manifest.toml").read_bytes()
    with pytest.raises(ManifestError, match=message):
        add_document(corpus, write(tmp_path, "x.txt", "Some text about the crossing.\n"), **kwargs)
    assert (corpus / "manifest.toml").read_bytes() == before and not (corpus / "x.txt").exists()


def test_adding_the_same_file_name_twice_is_refused(corpus: Path, tmp_path: Path) -> None:
    with pytest.raises(ManifestError, match="already in the corpus"):
        add_document(corpus, CORPUS / "000_a85473582f99fcac.txt", outlet="X", title="Y")


def test_cli_add_then_list(corpus: Path, tmp_path: Path) -> None:
    source = write(tmp_path, "evacuation.html", PAGE)
    run = lambda *a: subprocess.run([sys.executable, "-m", "qa_bot", "corpus", *a, "--corpus", str(corpus)],
                                    capture_output=True, text=True, timeout=120)
    added = run("add", str(source), "--authors", "Jane Roe, Sam Poe")
    assert added.returncode == 0, added.stderr
    assert "Added evacuation.html: Example Wire, 2016-12-15" in added.stdout
    listed = run("list")
    assert listed.returncode == 0 and "6 documents" in listed.stdout
    assert "Jane Roe, Sam Poe" in listed.stdout and "Example Wire" in listed.stdout
    missing = run("add", str(tmp_path / "nope.txt"))
    assert missing.returncode == 2 and "nope.txt" in missing.stderr and "Traceback" not in missing.stderr
