"""`qa-bot eval`: how often the right passage comes first, and how honest abstention is.

A result is a hit when it comes from one of the item's documents and its text
contains one of the answers (case- and whitespace-insensitive). A collapsed
result counts for every outlet in its `also_in`: the user sees all of them.
Dense-only and keyword-only rankings are measured in the same run, as baselines.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

from qa_bot.answer import Answerer, question_problem
from qa_bot.models import Passage

MODES = ("hybrid", "dense", "keyword")


class EvalFileError(ValueError):
    pass


def read_jsonl(path: Path) -> list[tuple[int, dict[str, Any]]]:
    """Each non-blank line's object with its line number, for messages that point at it."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise EvalFileError(f"cannot read {path}: {getattr(exc, 'strerror', None) or exc}") from None
    found = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except ValueError:
            raise EvalFileError(f"{path}:{number}: not valid JSON") from None
        if not isinstance(item, dict):
            raise EvalFileError(f"{path}:{number}: not a JSON object")
        found.append((number, item))
    return found


def load_items(path: Path) -> list[dict[str, Any]]:
    items = []
    for number, item in read_jsonl(path):
        missing = {"question", "answers", "docs"} - set(item)
        if missing:
            raise EvalFileError(f"{path}:{number}: missing {', '.join(sorted(missing))}")
        item.setdefault("id", f"line{number}")
        item.setdefault("kind", "out-of-scope" if not item["answers"] else "factoid")
        items.append(item)
    return items


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


def is_hit(passages: list[Passage], item: dict[str, Any]) -> bool:
    answers = [_norm(a) for a in item["answers"]]
    return any(p.document in item["docs"] and any(a in _norm(p.text) for a in answers) for p in passages)


def first_hit(results: list[list[Passage]], item: dict[str, Any], depth: int = 10) -> int | None:
    for rank, passages in enumerate(results[:depth], start=1):
        if is_hit(passages, item):
            return rank
    return None


def evaluate(answerer: Answerer, items: list[dict[str, Any]], k: int = 10) -> dict[str, Any]:
    """Rank every question once; score the fused answer and both single-signal baselines."""
    questions = [item["question"] for item in items]
    answers = answerer.ask_many(questions, k)
    ranked = answerer.rank_many(questions, k)
    rows = []
    passages = answerer.index.passages
    for item, answer, rank in zip(items, answers, ranked):
        hybrid = [[h.passage, *h.also_in] for h in answer.hits]
        row = {
            "id": item["id"], "kind": item["kind"], "question": item["question"],
            "in_scope": bool(item["answers"]), "abstained": answer.abstained,
            "rank": {
                "hybrid": first_hit(hybrid, item),
                "dense": first_hit([[passages[i]] for i in rank.dense_order], item),
                "keyword": first_hit([[passages[i]] for i in rank.keyword_order], item),
                "hybrid_unabstained": first_hit([[h.passage, *h.also_in] for h in rank.hits], item),
            },
            "top": answer.hits[0].passage.text[:100] if answer.hits else (answer.notice or "")[:100],
            "signals": rank.signals.vector() if question_problem(item["question"]) is None else None,
        }
        rows.append(row)
    return {"overall": summarize(rows), "by_kind": by_kind(rows), "misses": misses(rows), "rows": rows}


def summarize(rows: list[dict[str, Any]]) -> dict[str, Any]:
    inscope = [r for r in rows if r["in_scope"]]
    outscope = [r for r in rows if not r["in_scope"]]
    figures: dict[str, Any] = {"questions": len(rows), "in_scope": len(inscope), "out_of_scope": len(outscope)}
    for mode in (*MODES, "hybrid_unabstained"):
        ranks = [r["rank"][mode] for r in inscope]
        figures[mode] = {
            f"recall@{n}": _share([rank is not None and rank <= n for rank in ranks]) for n in (1, 3, 5)
        } | {"mrr@10": round(sum(1 / rank for rank in ranks if rank) / len(ranks), 3) if ranks else None}
    figures["abstention_accuracy"] = _share([r["abstained"] for r in outscope])
    figures["false_abstention"] = _share([r["abstained"] for r in inscope])
    return figures


def by_kind(rows: list[dict[str, Any]]) -> dict[str, Any]:
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        groups[row["kind"]].append(row)
    return {kind: summarize(group) for kind, group in sorted(groups.items())}


def misses(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    found = []
    for r in rows:
        rank = r["rank"]["hybrid"]
        if r["in_scope"] and (rank is None or rank > 1):
            found.append({"id": r["id"], "kind": r["kind"], "question": r["question"],
                          "rank": "abstained" if r["abstained"] else rank, "top": r["top"]})
        elif not r["in_scope"] and not r["abstained"]:
            found.append({"id": r["id"], "kind": r["kind"], "question": r["question"], "rank": "answered", "top": r["top"]})
    return found


def _share(flags: list[bool]) -> float | None:
    return round(sum(flags) / len(flags), 3) if flags else None


def format_report(report: dict[str, Any]) -> str:
    overall = report["overall"]
    lines = [
        f"{overall['questions']} questions ({overall['in_scope']} in scope, {overall['out_of_scope']} out of scope)",
        "",
        f"{'':<22}{'R@1':>7}{'R@3':>7}{'R@5':>7}{'MRR@10':>8}",
    ]
    labels = {"hybrid": "qa-bot (hybrid)", "hybrid_unabstained": "  without abstention", "dense": "dense only", "keyword": "keyword only (BM25)"}
    for mode, label in labels.items():
        f = overall[mode]
        lines.append(f"{label:<22}" + "".join(f"{_fmt(f[key]):>7}" for key in ("recall@1", "recall@3", "recall@5")) + f"{_fmt(f['mrr@10']):>8}")
    lines += [
        "",
        f"abstention on out-of-scope: {_fmt(overall['abstention_accuracy'])}   false abstention on in-scope: {_fmt(overall['false_abstention'])}",
        "",
        "by kind (qa-bot):  R@1   R@5  MRR   | dense R@5 | keyword R@5 | abstained",
    ]
    for kind, f in report["by_kind"].items():
        h = f["hybrid"]
        if f["in_scope"]:
            lines.append(
                f"  {kind:<15} {_fmt(h['recall@1']):>5} {_fmt(h['recall@5']):>5} {_fmt(h['mrr@10']):>5} |"
                f" {_fmt(f['dense']['recall@5']):>9} | {_fmt(f['keyword']['recall@5']):>11} | {_fmt(f['false_abstention']):>5}"
            )
        else:
            lines.append(f"  {kind:<15} abstained on {_fmt(f['abstention_accuracy'])} of {f['out_of_scope']}")
    if report["misses"]:
        lines += ["", "misses (not first, or wrongly answered/abstained):"]
        for m in report["misses"]:
            lines.append(f"  {m['id']} [{m['kind']}] rank={m['rank']}: {m['question'][:80]}\n      top: {m['top']}")
    return "\n".join(lines)


def _fmt(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}" if isinstance(value, float) else str(value)
