"""The maintainer's side of the corpus: add a document with its manifest entry, list them.

Metadata the page itself states (HTML meta tags, `<time>`, JSON-LD, a byline, a
`date YYYY-MM-DD` header) fills what the maintainer did not give, and is marked as
detected in the manifest. What is not known stays unknown: nothing is invented.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from selectolax.lexbor import LexborHTMLParser

from qa_bot.ingest import BYLINE, decode, looks_like_html
from qa_bot.manifest import MANIFEST_NAME, ManifestError, load_manifest
from qa_bot.models import Document

META_DATE = ("article:published_time", "datePublished", "date", "pubdate", "publishdate", "dc.date", "og:published_time")


@dataclass
class Detected:
    title: str | None = None
    outlet: str | None = None
    published: str | None = None
    authors: list[str] = field(default_factory=list)
    url: str | None = None


def detect_metadata(raw: str) -> Detected:
    """What the document says about itself; empty fields where it says nothing."""
    found = Detected()
    header = re.match(r"\s*date (\d{4}-\d{2}-\d{2})\b", raw)
    if header:
        found.published = _iso(header.group(1))
    if not looks_like_html(raw):
        byline = next((line.strip() for line in raw.splitlines() if BYLINE.match(line.strip())), None)
        found.authors = _split_names(byline[3:]) if byline else []
        return found
    tree = LexborHTMLParser(raw)
    meta = {
        (node.attributes.get("property") or node.attributes.get("name") or node.attributes.get("itemprop") or "").lower():
            node.attributes.get("content") or ""
        for node in tree.css("meta")
    }
    ld = _json_ld(tree)
    found.title = meta.get("og:title") or ld.get("headline") or _text(tree, "h1") or _text(tree, "title")
    found.outlet = meta.get("og:site_name") or _publisher(ld)
    found.url = meta.get("og:url") or _attr(tree, "link[rel=canonical]", "href") or ld.get("url")
    dates = [meta.get(name.lower()) for name in META_DATE] + [ld.get("datePublished"), _attr(tree, "time[datetime]", "datetime")]
    found.published = found.published or next((_iso(d) for d in dates if d and _iso(d)), None)
    found.authors = _authors(ld) or _split_names(meta.get("author", "")) or [
        n.text(strip=True) for n in tree.css("[itemprop=author] [itemprop=name], [itemprop=name].last-byline, [rel=author]")
    ]
    return found


def _text(tree: LexborHTMLParser, selector: str) -> str | None:
    node = tree.css_first(selector)
    text = " ".join(node.text().split()) if node else ""
    return text or None


def _attr(tree: LexborHTMLParser, selector: str, name: str) -> str | None:
    node = tree.css_first(selector)
    return (node.attributes.get(name) or None) if node else None


def _json_ld(tree: LexborHTMLParser) -> dict:
    for node in tree.css('script[type="application/ld+json"]'):
        try:
            data = json.loads(node.text())
        except ValueError:
            continue
        for item in data if isinstance(data, list) else [data]:
            if isinstance(item, dict) and ("headline" in item or "datePublished" in item):
                return item
    return {}


def _publisher(ld: dict) -> str | None:
    publisher = ld.get("publisher")
    return publisher.get("name") if isinstance(publisher, dict) else None


def _authors(ld: dict) -> list[str]:
    authors = ld.get("author") or []
    authors = authors if isinstance(authors, list) else [authors]
    return [a.get("name") if isinstance(a, dict) else str(a) for a in authors if a]


def _split_names(text: str) -> list[str]:
    return [n.strip() for n in re.split(r",|\band\b", text) if n.strip()]


def _iso(value: str) -> str | None:
    try:
        return dt.date.fromisoformat(value.strip()[:10]).isoformat()
    except ValueError:
        return None


def toml_string(value: str) -> str:
    """A TOML basic string: JSON's escaping is valid TOML for these characters."""
    return json.dumps(value, ensure_ascii=False)


def manifest_entry(doc: Document, detected: list[str]) -> str:
    lines = ["", "[[document]]"]
    if detected:
        lines.append(f"# detected from the document: {', '.join(detected)}")
    lines += [
        f"file = {toml_string(doc.file)}",
        f"outlet = {toml_string(doc.outlet)}",
        f"title = {toml_string(doc.title)}",
        f"published = {doc.published if doc.published else toml_string('unknown')}",
        f"date_inferred = {'true' if doc.date_inferred else 'false'}",
        f"authors = [{', '.join(toml_string(a) for a in doc.authors)}]",
    ]
    if doc.url:
        lines.append(f"url = {toml_string(doc.url)}")
    return "\n".join(lines) + "\n"


def add_document(corpus_dir: Path, source: Path, *, outlet: str | None = None, title: str | None = None,
                 published: str | None = None, url: str | None = None, authors: list[str] | None = None) -> tuple[Document, list[str]]:
    """Copy `source` into the corpus and append its manifest entry; all or nothing."""
    if not source.is_file():
        raise ManifestError(f"{source}: file not found")
    raw = decode(source.read_bytes(), str(source))
    if not raw.strip():
        raise ManifestError(f"{source}: empty file")
    target = corpus_dir / re.sub(r"[^\w.-]", "_", source.name)
    if target.exists():
        raise ManifestError(f"{target}: a document with this file name is already in the corpus")
    if published and not _iso(published):
        raise ManifestError(f"{source}: --published must be an ISO date like 2016-12-13, got {published!r}")
    found = detect_metadata(raw)
    detected = [name for name, given, seen in (
        ("outlet", outlet, found.outlet), ("title", title, found.title), ("published", published, found.published),
        ("url", url, found.url), ("authors", authors, found.authors)) if not given and seen]
    doc = Document(
        file=target.name,
        outlet=outlet or found.outlet or "",
        title=title or found.title or "",
        published=_iso(published) if published else found.published,
        date_inferred=False,  # a date the page states is not a reading of its text
        authors=tuple(authors if authors is not None else found.authors),
        url=url or found.url,
    )
    missing = [name for name, value in (("outlet", doc.outlet), ("title", doc.title)) if not value]
    if missing:
        raise ManifestError(f"{source}: {' and '.join(missing)} not given and not found in the document (use --{missing[0]})")
    manifest = corpus_dir / MANIFEST_NAME
    before = manifest.read_text(encoding="utf-8")
    shutil.copyfile(source, target)
    try:
        manifest.write_text(before.rstrip("\n") + "\n" + manifest_entry(doc, detected), encoding="utf-8")
        load_manifest(corpus_dir)
    except BaseException:
        manifest.write_text(before, encoding="utf-8")
        target.unlink(missing_ok=True)
        raise
    return doc, detected
