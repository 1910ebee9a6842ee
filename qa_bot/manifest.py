"""Read and check `corpus/manifest.toml`, the maintainers' record of every document.

A bad manifest must stop an index build before anything is written, with a
message that names the file and the problem, so a maintainer can fix it in one go.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path

from qa_bot.models import Document

MANIFEST_NAME = "manifest.toml"
REQUIRED = ("file", "outlet", "title", "published")
KNOWN = {*REQUIRED, "date_inferred", "authors", "url"}
# Files that live in a corpus folder without being documents.
IGNORED_FILES = {MANIFEST_NAME, "SOURCES.md", "README.md", ".gitkeep"}


class ManifestError(ValueError):
    """The manifest or the corpus folder is inconsistent; the message says where and what."""


def load_manifest(corpus_dir: Path) -> list[Document]:
    """The documents of `corpus_dir`, checked against the files actually there."""
    path = corpus_dir / MANIFEST_NAME
    if not corpus_dir.is_dir():
        raise ManifestError(f"{corpus_dir}: corpus folder not found")
    if not path.is_file():
        raise ManifestError(f"{path}: manifest not found (one [[document]] table per corpus file)")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ManifestError(f"{path}: not valid TOML: {exc}") from None
    stray = sorted(set(data) - {"document"})
    if stray:  # "[[documents]]" would otherwise read as an empty manifest
        raise ManifestError(f"{path}: unknown table or key {', '.join(stray)} (each document is a [[document]] table)")
    entries = data.get("document", [])
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise ManifestError(f"{path}: expected [[document]] tables")
    documents = [_document(path, i, entry) for i, entry in enumerate(entries, start=1)]
    _check_against_folder(path, corpus_dir, documents)
    return documents


def _document(path: Path, number: int, entry: dict) -> Document:
    where = f"{path}: document #{number} ({entry.get('file', 'no file')})"
    missing = [key for key in REQUIRED if key not in entry]
    if missing:
        raise ManifestError(f"{where}: missing {', '.join(missing)}")
    unknown = sorted(set(entry) - KNOWN)
    if unknown:
        raise ManifestError(f"{where}: unknown field {', '.join(unknown)} (known: {', '.join(sorted(KNOWN))})")
    for key in ("file", "outlet", "title"):
        if not isinstance(entry[key], str) or not entry[key].strip():
            raise ManifestError(f"{where}: {key} must be a non-empty string")
    authors = entry.get("authors", [])
    if not isinstance(authors, list) or not all(isinstance(a, str) for a in authors):
        raise ManifestError(f"{where}: authors must be a list of names")
    url = entry.get("url")
    if url is not None and not (isinstance(url, str) and url.startswith(("http://", "https://"))):
        raise ManifestError(f"{where}: url must start with http:// or https://")
    inferred = entry.get("date_inferred", False)
    if not isinstance(inferred, bool):
        raise ManifestError(f"{where}: date_inferred must be true or false")
    return Document(
        file=entry["file"],
        outlet=entry["outlet"].strip(),
        title=entry["title"].strip(),
        published=_iso_date(where, entry["published"]),
        date_inferred=inferred,
        authors=tuple(a.strip() for a in authors if a.strip()),
        url=url or None,
    )


def _iso_date(where: str, value: object) -> str | None:
    """TOML date literals and ISO strings are accepted; "" or "unknown" mean not known."""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        if value.strip().lower() in ("", "unknown"):
            return None
        try:
            return dt.date.fromisoformat(value.strip()).isoformat()
        except ValueError:
            pass
    raise ManifestError(f"{where}: published must be an ISO date like 2016-12-13, got {value!r}")


def _check_against_folder(path: Path, corpus_dir: Path, documents: list[Document]) -> None:
    seen: set[str] = set()
    for doc in documents:
        if doc.file in seen:
            raise ManifestError(f"{path}: {doc.file} is listed twice")
        seen.add(doc.file)
        if Path(doc.file).name != doc.file:
            raise ManifestError(f"{path}: {doc.file}: file must be a plain name inside the corpus folder")
        if not (corpus_dir / doc.file).is_file():
            raise ManifestError(f"{corpus_dir / doc.file}: listed in the manifest but the file is missing")
    for file in sorted(p.name for p in corpus_dir.iterdir() if p.is_file()):
        if file not in seen and file not in IGNORED_FILES and not file.startswith("."):
            raise ManifestError(f"{corpus_dir / file}: not in the manifest (add a [[document]] entry for it)")
