"""Turn an `Answer` into what a person reads: Telegram HTML, terminal text, or JSON.

Every transport renders through here, so the terminal and Telegram say the same
thing. Corpus text and user text are always escaped: Telegram rejects a message
whose markup does not parse, and a quote must never be able to inject markup.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import date
from typing import Any, Literal

from qa_bot.joining import parts
from qa_bot.models import Answer, Coverage, Document, Hit, Passage

TELEGRAM_LIMIT = 4096  # UTF-16 code units per message
QUESTION_ECHO_CHARS = 120

Style = Literal["plain", "ansi"]


def human_date(iso: str | None) -> str:
    if not iso:
        return "date unknown"
    try:
        day = date.fromisoformat(iso)
    except ValueError:
        return iso
    return f"{day.day} {day.strftime('%b %Y')}"


def published_on(item: Passage | Document) -> str:
    """'13 Dec 2016 (date inferred)': a passage's or an article's date, said as known."""
    return human_date(item.published) + (" (date inferred)" if item.published and item.date_inferred else "")


def attribution(passage: Passage) -> str:
    """'NBC News, 13 Dec 2016 (date inferred)': the outlet and date every result carries."""
    return f"{passage.outlet}, {published_on(passage)}"


def also_reported(hit: Hit) -> str | None:
    if not hit.also_in:
        return None
    return "Also reported by " + "; ".join(
        f"{p.outlet} ({human_date(p.published)})" for p in hit.also_in
    )


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def shorten(text: str, limit: int = QUESTION_ECHO_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# --- Telegram HTML -----------------------------------------------------------------


def _html_quote(hit: Hit) -> str:
    text = hit.passage.text
    if hit.highlight is None:
        return html.escape(text, quote=False)
    start, end = hit.highlight
    return (
        html.escape(text[:start], quote=False)
        + "<b>" + html.escape(text[start:end], quote=False) + "</b>"
        + html.escape(text[end:], quote=False)
    )


def hit_html(hit: Hit, number: int) -> str:
    p = hit.passage
    source = f"— {html.escape(attribution(p), quote=False)}"
    if p.url:
        source += f' · <a href="{html.escape(p.url, quote=True)}">{html.escape(p.title, quote=False)}</a>'
    else:
        source += f" · <i>{html.escape(p.title, quote=False)}</i>"
    lines = [f"{number}. <blockquote>{_html_quote(hit)}</blockquote>", source]
    also = also_reported(hit)
    if also:
        lines.append(f"<i>{html.escape(also, quote=False)}</i>")
    return "\n".join(lines)


def pack_messages(blocks: list[str], limit: int = TELEGRAM_LIMIT) -> list[str]:
    """Join blocks into as few messages as fit, splitting only between blocks (never in a tag)."""
    messages: list[str] = []
    current = ""
    for block in blocks:
        candidate = f"{current}\n\n{block}" if current else block
        if utf16_len(candidate) <= limit:
            current = candidate
            continue
        if current:
            messages.append(current)
        current = block if utf16_len(block) <= limit else _fit_block(block, limit)
    if current:
        messages.append(current)
    return messages


def _fit_block(block: str, limit: int) -> str:
    """Last resort for a block that alone exceeds the limit: drop markup, then cut."""
    plain = html.unescape(_strip_tags(block))
    out = html.escape(plain, quote=False)
    while utf16_len(out) > limit:
        plain = plain[: int(len(plain) * 0.9)]
        out = html.escape(plain + "…", quote=False)
    return out


def _strip_tags(text: str) -> str:
    import re

    return re.sub(r"<[^>]+>", "", text)


def answer_html(answer: Answer, start: int = 0, count: int | None = None) -> list[str]:
    """The Telegram messages for results start..start+count (or the notice when there are none)."""
    if answer.articles:
        return pack_messages([html.escape(answer.notice or "", quote=False), *articles_html(answer.articles)])
    if not answer.hits:
        return pack_messages([html.escape(notice_text(answer), quote=False)])
    caveat = f"<i>{html.escape(TENTATIVE, quote=False)}</i>"
    return pack_messages(page_blocks(answer, start, count, hit_html, caveat))


def page_blocks(answer: Answer, start: int, count: int | None, block: Callable[[Hit, int], str],
                caveat: str) -> list[str]:
    """One block per result of the page, numbered from `start` + 1; a tentative answer's
    caveat opens its first page only."""
    chosen = answer.hits[start : None if count is None else start + count]
    blocks = [block(hit, start + i + 1) for i, hit in enumerate(chosen)]
    return [caveat, *blocks] if answer.tentative and start == 0 else blocks


# --- terminal text -----------------------------------------------------------------

ANSI_BOLD, ANSI_RESET, ANSI_DIM = "\x1b[1m", "\x1b[0m", "\x1b[2m"


def hit_text(hit: Hit, number: int, style: Style = "plain") -> str:
    p = hit.passage
    text = p.text
    if hit.highlight is not None and style == "ansi":
        start, end = hit.highlight
        text = text[:start] + ANSI_BOLD + text[start:end] + ANSI_RESET + text[end:]
    elif hit.highlight is not None:
        start, end = hit.highlight
        text = text[:start] + "**" + text[start:end] + "**" + text[end:]
    lines = [f"{number}. “{text}”", f"   — {attribution(p)} · {p.title}"]
    if p.url:
        lines.append(f"   {p.url}")
    also = also_reported(hit)
    if also:
        lines.append(f"   {also}")
    return "\n".join(lines)


def answer_text(answer: Answer, start: int = 0, count: int | None = None, style: Style = "plain") -> str:
    if answer.articles:
        return f"{answer.notice}\n{articles_text(answer.articles)}"
    if not answer.hits:
        return notice_text(answer)
    return "\n\n".join(page_blocks(answer, start, count, lambda hit, n: hit_text(hit, n, style), TENTATIVE))


# --- the list of articles (/sources, and questions about the coverage) -------------


def articles_text(documents: list[Document]) -> str:
    lines = [f"• {d.outlet}, {published_on(d)}: {d.title}" + (f"\n  {d.url}" if d.url else "") for d in documents]
    return "\n".join(lines)


def articles_html(documents: list[Document]) -> list[str]:
    """One block an article: outlet in bold, the headline linked, date and authors."""
    blocks = []
    for number, doc in enumerate(documents, 1):
        title = html.escape(doc.title, quote=False)
        if doc.url:
            title = f'<a href="{html.escape(doc.url, quote=True)}">{title}</a>'
        line = f"{number}. <b>{html.escape(doc.outlet, quote=False)}</b> — {title}, {html.escape(published_on(doc), quote=False)}"
        if doc.authors:
            line += f" · {html.escape(', '.join(doc.authors), quote=False)}"
        blocks.append(line)
    return blocks


# --- shared texts ------------------------------------------------------------------


def coverage_text(coverage: Coverage | None) -> str:
    if coverage is None or not coverage.documents:
        return "The coverage is empty: a maintainer needs to add articles and run `qa-bot index`."
    span = human_date(coverage.first)
    if coverage.last and coverage.last != coverage.first:
        span += f" to {human_date(coverage.last)}"
    outlets = ", ".join(coverage.outlets)
    return f"I answer from {coverage.documents} news articles ({outlets}), published {span}."


def notice_text(answer: Answer) -> str:
    """Why there are no results, and what to do: never empty."""
    notice = answer.notice or "The coverage I have does not answer that question."
    return f"{notice}\n\n{coverage_text(answer.coverage)}\n{HOW_TO_ASK}"


TENTATIVE = "The closest the coverage comes — these passages may not answer your question exactly:"

HOW_TO_ASK = (
    "Ask a specific question about what the articles report — people, places, dates, "
    "quotes — for example: “What were the children in Hanano waiting for?”"
)


# --- JSON --------------------------------------------------------------------------


def hit_json(hit: Hit) -> dict[str, Any]:
    p = hit.passage
    return {
        "text": p.text,
        "outlet": p.outlet,
        "published": p.published,
        "date_inferred": p.date_inferred,
        "title": p.title,
        "url": p.url,
        "authors": list(p.authors),
        "document": p.document,
        "kind": p.kind,
        "position": p.position,
        # Adjacent paragraphs quoted as one excerpt: every paragraph's position, in order.
        "positions": [part.position for part in parts(hit)],
        "score": round(float(hit.score), 6),
        "highlight": list(hit.highlight) if hit.highlight else None,
        "also_in": [
            {"document": o.document, "outlet": o.outlet, "published": o.published} for o in hit.also_in
        ],
    }


def answer_json(answer: Answer) -> dict[str, Any]:
    data: dict[str, Any] = {
        "question": answer.question,
        "abstained": answer.abstained,
        "tentative": answer.tentative,
        "results": [hit_json(hit) for hit in answer.hits],
    }
    if answer.notice:
        data["notice"] = answer.notice
    if answer.articles:
        data["articles"] = [{"document": d.file, "outlet": d.outlet, "published": d.published, "title": d.title,
                             "url": d.url, "authors": list(d.authors)} for d in answer.articles]
    return data
