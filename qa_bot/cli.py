"""`qa-bot` — one command line for maintainers and users.

Subcommands: index (rebuild), ask (one-shot or stdin), chat (terminal
conversation), serve (Telegram), run (serve if a token is set, else chat),
eval (quality figures), bench (speed figures), corpus (add/list documents).
Every failure a user can cause ends in one clear line and a non-zero exit code.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Callable

from qa_bot.settings import INDEX_TYPES, Settings, SettingsError

EXIT_PROBLEM = 2


class FilterProblem(ValueError):
    """`qa-bot ask` filters that no passage can satisfy."""


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return EXIT_PROBLEM
    try:
        settings = Settings.from_env(
            corpus_dir=getattr(args, "corpus", None),
            index_dir=getattr(args, "index", None) or getattr(args, "out", None),
            index_type=getattr(args, "index_type", None),
        )
        return int(args.handler(args, settings) or 0)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `qa-bot ask … | head`: the reader left, not an error
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except (SettingsError, *_user_errors()) as exc:
        print(f"qa-bot: {exc}", file=sys.stderr)
        return EXIT_PROBLEM


def _user_errors() -> tuple[type[Exception], ...]:
    from qa_bot.embed import ModelError
    from qa_bot.evaluate import EvalFileError
    from qa_bot.index import IndexProblem
    from qa_bot.ingest import IngestError
    from qa_bot.manifest import ManifestError

    return (ManifestError, IngestError, IndexProblem, ModelError, EvalFileError, FilterProblem)


def positive(value: str) -> int:
    """argparse type: a count of at least 1 (`-k 0` used to mean the default, silently)."""
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {value!r}") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {number}")
    return number


def iso_date(value: str) -> str:
    """argparse type: a date like 2016-12-13 (a filter on "yesterday" used to match nothing)."""
    import datetime as dt

    try:
        return dt.date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date like 2016-12-13, got {value!r}") from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="qa-bot", description="Answer questions from news coverage, with sources.",
                                     allow_abbrev=False)
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    def command(name: str, handler: Callable, help_text: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text, description=help_text, allow_abbrev=False)
        sub.set_defaults(handler=handler)
        return sub

    sub = command("index", cmd_index, "Rebuild the index from the corpus (re-embeds only changed documents).")
    sub.add_argument("--corpus", type=Path, help="corpus folder with manifest.toml (default: corpus)")
    sub.add_argument("--out", "--index", dest="out", type=Path, help="index folder to write (default: embeddings)")
    sub.add_argument("--index-type", choices=INDEX_TYPES, help="FAISS index type (default: auto)")

    sub = command("ask", cmd_ask, "Answer a question (or one question per line from standard input).")
    sub.add_argument("question", nargs="?", help="the question; omit to read questions from standard input")
    _index_options(sub)
    sub.add_argument("-k", type=positive, default=None, help="number of results (default: 5)")
    sub.add_argument("--json", action="store_true", help="print JSON (one object per line)")
    sub.add_argument("--outlet", help='only passages from this outlet: part of its name or a nickname ("Post", "nyt")')
    sub.add_argument("--since", type=iso_date, help="only documents published on or after this ISO date")
    sub.add_argument("--until", type=iso_date, help="only documents published on or before this ISO date")

    sub = command("chat", cmd_chat, "Talk to the bot in the terminal (same answers as in Telegram).")
    _index_options(sub)

    sub = command("serve", cmd_serve, "Run the Telegram bot (needs TELEGRAM_BOT_TOKEN).")
    _index_options(sub)
    sub.add_argument("--webhook", help="public HTTPS URL for a webhook instead of long polling")
    sub.add_argument("--listen", default="127.0.0.1:8443", help="HOST:PORT the webhook server binds (default 127.0.0.1:8443)")

    sub = command("run", cmd_run, "The main job: the Telegram bot if TELEGRAM_BOT_TOKEN is set, else the terminal chat.")
    _index_options(sub)

    sub = command("corpus", cmd_corpus_help, "Add documents to the corpus or list them.")
    corpus = sub.add_subparsers(title="actions", metavar="ACTION")
    add = corpus.add_parser("add", help="copy a file into the corpus and write its manifest entry",
                            description="Copy FILE into the corpus and write its manifest entry; what the page states "
                                        "(meta tags, <time>, JSON-LD, byline) fills fields not given. Then run `qa-bot index`.")
    add.set_defaults(handler=cmd_corpus_add)
    add.add_argument("file", type=Path)
    add.add_argument("--corpus", type=Path, help="corpus folder (default: corpus)")
    add.add_argument("--outlet")
    add.add_argument("--title")
    add.add_argument("--published", help="ISO date, e.g. 2016-12-14")
    add.add_argument("--url")
    add.add_argument("--authors", help="comma-separated names")
    listing = corpus.add_parser("list", help="the documents with their metadata and passage counts",
                                description="List the documents with their metadata and passage counts.")
    listing.set_defaults(handler=cmd_corpus_list)
    listing.add_argument("--corpus", type=Path, help="corpus folder (default: corpus)")

    sub = command("feedback", cmd_feedback, "What users asked: most asked, not covered, voted down (needs QA_BOT_FEEDBACK_DB).")
    sub.add_argument("--db", type=Path, help="the question log (default: $QA_BOT_FEEDBACK_DB)")
    sub.add_argument("--limit", type=positive, default=10, help="rows per list (default 10)")
    sub.add_argument("--json", action="store_true", help="print JSON")

    sub = command("eval", cmd_eval, "Measure answer quality on a JSONL file of questions.")
    sub.add_argument("file", type=Path, help="JSONL with id, question, answers, docs, kind")
    _index_options(sub)
    sub.add_argument("--json", action="store_true", help="print the figures as JSON")

    sub = command("bench", cmd_bench, "Measure speed and memory on this machine.")
    _index_options(sub)
    sub.add_argument("--json", action="store_true", help="print the figures as JSON")
    sub.add_argument("--synthetic", type=int, nargs="*", metavar="N", help="also measure retrieval at N synthetic passages")
    sub.add_argument("--questions", type=Path, help="JSONL questions to time (default: the bundled dev set)")
    sub.add_argument("--noise", choices=["isotropic", "shaped"], default="isotropic",
                     help="noise of --synthetic vectors: isotropic, or shaped like the real vectors' spread")
    return parser


def _index_options(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("--index", type=Path, help="index folder (default: embeddings)")
    sub.add_argument("--corpus", type=Path, help="corpus folder (default: corpus)")


# --- index ----------------------------------------------------------------------------------


def cmd_index(args: argparse.Namespace, settings: Settings) -> int:
    from qa_bot.embed import load_embedder

    say(f"Loading model {settings.model} …")
    report = build(settings, load_embedder(settings.model))
    print_report(report)
    return 0


def build(settings: Settings, embedder) -> "object":
    from qa_bot.index import build_index

    return build_index(
        settings.corpus_dir, settings.index_dir, embedder, index_type=settings.index_type,
        flat_max=settings.flat_max, progress=sys.stderr.isatty(), say=say,
    )


def print_report(report) -> None:
    width = max((len(name) for name, _ in report.documents), default=10)
    for name, count in report.documents:
        say(f"  {name:<{width}}  {count:>5} passages")
    say(
        f"Indexed {len(report.documents)} documents, {report.passages} passages "
        f"({report.embedded} embedded, {report.passages - report.embedded} reused) "
        f"into {report.directory} [{report.index_type}] in {report.seconds:.1f} s."
    )


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- answering ------------------------------------------------------------------------------


def load_answerer(args: argparse.Namespace, settings: Settings, embedder=None):
    """Load the index; with the default index folder, build it first when missing or stale."""
    from qa_bot.answer import Answerer
    from qa_bot.embed import load_embedder
    from qa_bot.index import IndexProblem

    embedder = embedder or load_embedder(settings.model)
    try:
        return Answerer.load(settings, embedder)
    except IndexProblem as problem:
        if getattr(args, "index", None) is not None:
            raise
        say(f"{problem} — building it now.")
        print_report(build(settings, embedder))
        return Answerer.load(settings, embedder)


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    from qa_bot import render

    if args.since and args.until and args.since > args.until:
        raise FilterProblem(f"--since {args.since} is after --until {args.until}: no article can match")
    answerer = load_answerer(args, settings)
    if args.outlet is not None and not answerer.retriever.outlets_named(args.outlet):
        outlets = ", ".join(answerer.retriever.outlets)
        raise FilterProblem(f"no outlet in the corpus matches --outlet {args.outlet!r} (outlets: {outlets})")
    questions = [args.question] if args.question is not None else (line.rstrip("\n") for line in sys.stdin)
    style = "ansi" if sys.stdout.isatty() else "plain"
    for question in questions:
        answer = answerer.ask(question, args.k, outlet=args.outlet, since=args.since, until=args.until)
        if args.json:
            print(json.dumps(render.answer_json(answer), ensure_ascii=False), flush=True)
        else:
            print(render.answer_text(answer, style=style), end="\n\n", flush=True)
    return 0


def cmd_chat(args: argparse.Namespace, settings: Settings) -> int:
    from qa_bot.chat import chat

    return chat(load_answerer(args, settings), settings)


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    from qa_bot import telegram_bot

    if args.webhook:
        return telegram_bot.serve(settings, webhook_url=args.webhook, listen=args.listen)
    return telegram_bot.serve(settings)


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    if settings.telegram_token:
        return cmd_serve(argparse.Namespace(**vars(args), webhook=None, listen=None), settings)
    say("TELEGRAM_BOT_TOKEN is not set: starting the same bot in the terminal (set it in .env to serve Telegram).")
    return cmd_chat(args, settings)


# --- corpus ----------------------------------------------------------------------------------


def cmd_corpus_help(args: argparse.Namespace, settings: Settings) -> int:
    say("qa-bot corpus: choose an action: add FILE … or list (see `qa-bot corpus --help`)")
    return EXIT_PROBLEM


def cmd_corpus_add(args: argparse.Namespace, settings: Settings) -> int:
    from qa_bot.corpus import add_document

    authors = [a.strip() for a in args.authors.split(",") if a.strip()] if args.authors is not None else None
    doc, detected = add_document(settings.corpus_dir, args.file, outlet=args.outlet, title=args.title,
                                 published=args.published, url=args.url, authors=authors)
    print(f"Added {doc.file}: {doc.outlet}, {doc.published or 'date unknown'} — {doc.title}")
    if detected:
        print(f"  detected from the document: {', '.join(detected)}")
    print("Run `qa-bot index` to rebuild the index.")
    return 0


def cmd_corpus_list(args: argparse.Namespace, settings: Settings) -> int:
    from qa_bot.index import read_passages
    from qa_bot.render import human_date

    documents, passages = read_passages(settings.corpus_dir)
    for doc in documents:
        count = sum(p.document == doc.file for p in passages)
        when = human_date(doc.published) + (" (inferred)" if doc.date_inferred and doc.published else "")
        authors = ", ".join(doc.authors) or "no byline"
        print(f"{doc.file}  {count:>4} passages  {doc.outlet} · {when} · {authors}\n    {doc.title}\n    {doc.url or 'no url'}")
    print(f"{len(documents)} documents, {len(passages)} passages")
    return 0


def cmd_feedback(args: argparse.Namespace, settings: Settings) -> int:
    from qa_bot.feedback import FeedbackLog, format_report

    path = args.db or settings.feedback_db
    if path is None or not Path(path).is_file():
        say(f"qa-bot: no question log {'at ' + str(path) if path else 'configured'} "
            "(set QA_BOT_FEEDBACK_DB before `qa-bot serve` to keep one)")
        return EXIT_PROBLEM
    report = FeedbackLog(Path(path)).report(args.limit)
    print(json.dumps(report, ensure_ascii=False, indent=1) if args.json else format_report(report))
    return 0


# --- measuring ------------------------------------------------------------------------------


def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    from qa_bot.evaluate import evaluate, format_report, load_items

    items = load_items(args.file)
    started = time.perf_counter()
    report = evaluate(load_answerer(args, settings), items)
    if args.json:
        print(json.dumps(report, indent=1))
    else:
        print(format_report(report))
        say(f"({len(items)} questions in {time.perf_counter() - started:.1f} s)")
    return 0


def cmd_bench(args: argparse.Namespace, settings: Settings) -> int:
    from qa_bot.bench import run_bench

    return run_bench(args, settings)


if __name__ == "__main__":
    sys.exit(main())
