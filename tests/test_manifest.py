"""corpus/manifest.toml: the record of every document, checked before anything is built."""

from __future__ import annotations

import datetime as dt
import json
import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest

from qa_bot.manifest import ManifestError, load_manifest

CORPUS = Path(__file__).resolve().parents[1] / "corpus"

FILES = sorted(p.name for p in CORPUS.glob("*.txt"))


def raw_entries(corpus: Path = CORPUS) -> list[dict]:
    return tomllib.loads((corpus / "manifest.toml").read_text(encoding="utf-8"))["document"]


def toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)  # a valid TOML basic string


def write_manifest(corpus: Path, entries: list[dict]) -> None:
    tables = ["[[document]]\n" + "".join(f"{k} = {toml_value(v)}\n" for k, v in e.items()) for e in entries]
    (corpus / "manifest.toml").write_text("\n".join(tables), encoding="utf-8")


def entry(entries: list[dict], prefix: str) -> dict:
    return next(e for e in entries if e["file"].startswith(prefix))


# --- the real corpus ------------------------------------------------------------------------


def test_real_manifest_loads_every_document_as_written() -> None:
    documents = load_manifest(CORPUS)
    raw = raw_entries()
    assert len(documents) == 5
    assert sorted(d.file for d in documents) == FILES
    for doc, want in zip(documents, raw):
        assert doc.file == want["file"]
        assert doc.outlet == want["outlet"]
        assert doc.title == want["title"]
        assert doc.published == want["published"].isoformat()
        assert doc.date_inferred is want.get("date_inferred", False)
        assert list(doc.authors) == want.get("authors", [])
        assert doc.url == want.get("url")


def test_real_manifest_spot_checks() -> None:
    by_prefix = {d.file[:3]: d for d in load_manifest(CORPUS)}
    assert (by_prefix["000"].outlet, by_prefix["000"].published, by_prefix["000"].date_inferred) == (
        "NBC News", "2016-12-13", True)
    assert by_prefix["001"].date_inferred is False
    assert by_prefix["003"].authors == ("Liz Sly", "Heba Habib", "Zakaria Zakaria")
    assert by_prefix["004"].outlet == "The New York Times" and by_prefix["004"].published == "2016-12-09"


def test_roundtrip_writer_is_faithful(corpus_copy: Path) -> None:
    """The helper that rewrites manifests in the tests below changes nothing by itself."""
    write_manifest(corpus_copy, raw_entries(corpus_copy))
    assert load_manifest(corpus_copy) == load_manifest(CORPUS)


# --- every way a manifest can be wrong names the file -----------------------------------------


def _extra_file(c: Path) -> str:
    (c / "005_not_listed.txt").write_text("An article nobody listed.\n", encoding="utf-8")
    return "005_not_listed.txt"


def _missing_file(c: Path) -> str:
    (c / FILES[2]).unlink()
    return FILES[2]


def _duplicate(c: Path) -> str:
    entries = raw_entries(c)
    write_manifest(c, entries + [dict(entries[0])])
    return FILES[0]


def _set(prefix: str, key: str, value: object) -> Callable[[Path], str]:
    def mutate(c: Path) -> str:
        entries = raw_entries(c)
        entry(entries, prefix)[key] = value
        write_manifest(c, entries)
        return entry(entries, prefix)["file"]

    return mutate


def _drop(prefix: str, key: str) -> Callable[[Path], str]:
    def mutate(c: Path) -> str:
        entries = raw_entries(c)
        del entry(entries, prefix)[key]
        write_manifest(c, entries)
        return entry(entries, prefix)["file"]

    return mutate


def _bad_toml(c: Path) -> str:
    (c / "manifest.toml").write_text('[[document]\nfile = "000_a85473582f99fcac.txt\n', encoding="utf-8")
    return "manifest.toml"


def _bad_date_literal(c: Path) -> str:
    text = (c / "manifest.toml").read_text(encoding="utf-8")
    (c / "manifest.toml").write_text(text.replace("published = 2016-12-09", "published = 2016-13-45"), encoding="utf-8")
    return "manifest.toml"


def _plural_tables(c: Path) -> str:
    text = (c / "manifest.toml").read_text(encoding="utf-8")
    (c / "manifest.toml").write_text(text.replace("[[document]]", "[[documents]]"), encoding="utf-8")
    return "documents"


def _no_manifest(c: Path) -> str:
    (c / "manifest.toml").unlink()
    return "manifest.toml"


CASES = {
    "file not in manifest": _extra_file,
    "listed file missing": _missing_file,
    "duplicate entry": _duplicate,
    "month 13 date string": _set("001", "published", "2016-13-45"),
    "'yesterday' as date": _set("002", "published", "yesterday"),
    "invalid TOML date literal": _bad_date_literal,
    "bad TOML": _bad_toml,
    "unknown field": _set("003", "editor", "Someone"),
    "missing title": _drop("004", "title"),
    "missing outlet": _drop("000", "outlet"),
    "authors not a list": _set("003", "authors", "Liz Sly"),
    "no manifest": _no_manifest,
    "[[documents]] for [[document]]": _plural_tables,
}


@pytest.mark.parametrize("mutate", CASES.values(), ids=CASES.keys())
def test_bad_corpus_raises_manifest_error_naming_the_file(corpus_copy: Path, mutate: Callable[[Path], str]) -> None:
    offending = mutate(corpus_copy)
    with pytest.raises(ManifestError) as info:
        load_manifest(corpus_copy)
    message = str(info.value)
    assert offending in message
    assert len(message.splitlines()) == 1, message


def test_error_messages_say_what_is_wrong(corpus_copy: Path) -> None:
    _set("003", "editor", "Someone")(corpus_copy)
    with pytest.raises(ManifestError, match="editor"):
        load_manifest(corpus_copy)
    write_manifest(corpus_copy, raw_entries(CORPUS))
    _drop("004", "title")(corpus_copy)
    with pytest.raises(ManifestError, match="title"):
        load_manifest(corpus_copy)
    write_manifest(corpus_copy, raw_entries(CORPUS))
    _set("002", "published", "yesterday")(corpus_copy)
    with pytest.raises(ManifestError, match="yesterday"):
        load_manifest(corpus_copy)


def test_unknown_date_is_allowed_and_means_none(corpus_copy: Path) -> None:
    _set("002", "published", "unknown")(corpus_copy)
    doc = next(d for d in load_manifest(corpus_copy) if d.file.startswith("002"))
    assert doc.published is None


def test_missing_corpus_folder(tmp_path: Path) -> None:
    with pytest.raises(ManifestError, match="nowhere"):
        load_manifest(tmp_path / "nowhere")


# --- the CLI stops before touching an existing index ----------------------------------------------


@pytest.fixture(scope="module")
def built_out(tmp_path_factory: pytest.TempPathFactory, run_cli) -> Path:
    out = tmp_path_factory.mktemp("cli-index") / "out"
    result = run_cli("index", "--corpus", CORPUS, "--out", out, env={"QA_BOT_MODEL": "hashing-64"})
    assert result.returncode == 0, result.stderr
    assert (out / "manifest.json").is_file()
    return out


CLI_CASES = {k: CASES[k] for k in ("listed file missing", "month 13 date string", "file not in manifest", "bad TOML")}


@pytest.mark.parametrize("mutate", CLI_CASES.values(), ids=CLI_CASES.keys())
def test_cli_index_with_bad_manifest_exits_2_and_leaves_index_untouched(
    built_out: Path, corpus_copy: Path, run_cli, mutate: Callable[[Path], str]
) -> None:
    meta = built_out / "manifest.json"
    before = (meta.read_bytes(), meta.stat().st_mtime_ns, sorted(p.name for p in built_out.iterdir()))
    offending = mutate(corpus_copy)

    result = run_cli("index", "--corpus", corpus_copy, "--out", built_out, env={"QA_BOT_MODEL": "hashing-64"})

    assert result.returncode == 2
    assert "Traceback" not in result.stderr + result.stdout
    errors = [line for line in result.stderr.splitlines() if line.startswith("qa-bot:")]
    assert len(errors) == 1, result.stderr
    assert offending in errors[0]
    assert (meta.read_bytes(), meta.stat().st_mtime_ns, sorted(p.name for p in built_out.iterdir())) == before
    assert not [p for p in built_out.parent.iterdir() if ".building-" in p.name or ".old-" in p.name]
