"""Raw corpus files → clean content blocks (paragraphs and photo captions).

News pages arrive in three shapes: photo galleries whose captions are followed by
credit lines, plain articles with page furniture, and HTML (or HTML-ish markdown)
pages full of layout markup. Each shape has one reader; all of them return
`Block`s of clean text, so chunking never sees markup.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

import ftfy
from selectolax.lexbor import LexborHTMLParser as HTMLParser, LexborNode as Node

from qa_bot.dates import MONTH_DAY
from qa_bot.models import PassageKind


@dataclass(frozen=True)
class Block:
    """A unit of content as the page presents it: a paragraph, or a caption with its credit."""

    text: str
    kind: PassageKind


class IngestError(ValueError):
    """A file that cannot be read as text; the message names the file."""


# --- shared line rules --------------------------------------------------------------

AGENCIES = r"AP|AFP|Reuters|Getty Images|EPA|Anadolu|Xinhua|SANA|Agence France-Presse|AFP PHOTO|Sipa|Shutterstock"
CREDIT_LINE = re.compile(rf"^[^.!?]{{0,80}}(\b(?:{AGENCIES})\b)[^.!?]{{0,40}}$")
TRAILING_CREDIT = re.compile(rf"(?<=[.!?”\"])\s+([A-Z][\w'’.-]*(?: [A-Z][\w'’.-]*)*\s*/\s*(?:{AGENCIES})[\w ,/-]*)$")
FURNITURE = re.compile(
    r"^(skip to (main )?content|skip to site index|advertisement|supported by|continue reading the main story"
    r"|read more:?|read:|related:|photos? ?[-–—:]|watch:|video:|sign up|subscribe|share this|credit\.\.\.)"
    r"|^follow (us|@)|^©",
    re.IGNORECASE,
)
SOCIAL_PROMPT = re.compile(
    r"^(like|follow|join|find|connect with|subscribe to)\b.*\b(on|via) (facebook|twitter|instagram|x|telegram|whatsapp)\b",
    re.IGNORECASE,
)
BYLINE = re.compile(r"^By [A-Z][\w.'’-]+(?: [A-Z][\w.'’-]+)*(?:,? (?:and )?[A-Z][\w.'’-]+(?: [A-Z][\w.'’-]+)*)*$")
# The date a page prints under its byline ("Dec. 9, 2016"): alone it looks like page
# furniture, yet it is the only place the text says when the piece was published.
PRINTED_DATE = re.compile(rf"(?:(?:Published|Updated)\s+)?{MONTH_DAY.pattern}", re.IGNORECASE)
URL_ONLY = re.compile(r"^(https?://|www\.)\S+$")
ABBREVIATION_END = re.compile(r"\b(Mr|Mrs|Ms|Dr|Gen|Sen|Rep|St|Jan|Feb|Mar|Apr|Aug|Sept?|Oct|Nov|Dec|U\.N|U\.S|No)\.$")


# What ftfy could change: non-ASCII (mojibake), "&" (entities), C0 controls and DEL.
NEEDS_FTFY = re.compile(r"[^\t\n\r\x20-\x7e]|&")


def normalize(text: str) -> str:
    """Repair mojibake and collapse whitespace: what every block goes through.

    Plain ASCII with no entity is returned by ftfy unchanged, so it skips ftfy:
    ftfy's per-call set-up was a quarter of reading the corpus.
    """
    if NEEDS_FTFY.search(text):
        text = ftfy.fix_text(text.replace("\u2019\u20ac\u2122", "\u2019"), uncurl_quotes=False)
    text = text.replace("\u00a0", " ")
    return re.sub(r"\s+", " ", text).strip()


def ends_sentence(line: str) -> bool:
    return bool(re.search(r"[.!?…](?:[\"”’')\]]+)?$", line.strip())) or line.rstrip().endswith(")")


def is_furniture(line: str) -> bool:
    """Navigation, ads, share prompts, related-story links, headings: not content.

    A line that does not end a sentence and is short is a heading or a link label
    (section titles, "Read more:", masthead, related headlines); content lines end
    a sentence or carry a photo credit.
    """
    text = line.strip()
    if not text or URL_ONLY.match(text) or FURNITURE.search(text) or text.startswith(("- ", "– ", "— ")):
        return True
    if not re.search(r"[A-Za-z]", text):
        return True
    if SOCIAL_PROMPT.search(text) and len(text.split()) <= 25:
        return True
    return not ends_sentence(text) and len(text.split()) <= 15


def is_credit_line(line: str) -> bool:
    text = line.strip()
    return bool(CREDIT_LINE.match(text)) and len(text.split()) <= 10 and not ends_sentence(text.rstrip(")"))


def credit_suffix(credit: str) -> str:
    credit = normalize(credit).strip("() ")
    credit = re.sub(r"^/\s*", "", credit)
    return f" ({credit})" if credit else ""


# --- plain text and galleries ---------------------------------------------------------


def text_paragraphs(raw: str) -> list[str]:
    """Paragraphs of a plain-text page: blank lines separate them; single newlines are
    re-joined only where a line was evidently wrapped (a hyphen, or a lower-case start)."""
    paragraphs: list[str] = []
    for chunk in re.split(r"\n\s*\n", raw.replace("\r\n", "\n")):
        current = ""
        for line in chunk.split("\n"):
            line = line.strip()
            if not line:
                continue
            if current and current.endswith("-") and line[0].isalpha():
                current += line
            elif current and (line[0].islower() or ABBREVIATION_END.search(current)):
                current += " " + line
            else:
                if current:
                    paragraphs.append(current)
                current = line
        if current:
            paragraphs.append(current)
    return [normalize(p) for p in paragraphs]


def strip_header(paragraphs: list[str], title: str) -> list[str]:
    """Drop a leading `date YYYY-MM-DD` header and the title line: metadata, not content."""
    cleaned = []
    heading = normalize(title).casefold()
    for para in paragraphs:
        para = re.sub(r"^date \d{4}-\d{2}-\d{2}\s*", "", para)
        if title and normalize(para).casefold() == heading:
            continue
        if title and para.casefold().startswith(heading) and len(para) < len(title) + 3:
            continue
        if para:
            cleaned.append(para)
    return cleaned


def numbered_gallery(paragraphs: list[str]) -> list[Block] | None:
    """A gallery where a bare number line precedes each caption; None if not that shape."""
    numbers = [p for p in paragraphs if re.fullmatch(r"\d{1,3}", p)]
    if len(numbers) < 3 or len(numbers) < len(paragraphs) // 3:
        return None
    blocks: list[Block] = []
    seen_number = False
    for para in paragraphs:
        if re.fullmatch(r"\d{1,3}", para):
            seen_number = True
        elif not is_furniture(para):
            blocks.append(Block(para, "caption" if seen_number else "paragraph"))
    return blocks


def credit_gallery(paragraphs: list[str]) -> list[Block] | None:
    """A gallery where each caption is followed by a credit line; None if not that shape.

    Everything from one credit to the next is one photo: the caption, any context
    paragraphs the gallery adds under it, then the credit, kept together.
    """
    if sum(is_credit_line(p.split("\n")[0]) for p in paragraphs) < 3:
        return None
    blocks: list[Block] = []
    group: list[str] = []

    def close(credit: str = "") -> None:
        if group:
            blocks.append(Block(" ".join(group) + credit_suffix(credit), "caption" if credit else "paragraph"))
            group.clear()

    for para in paragraphs:
        if is_credit_line(para):
            close(para)
            continue
        if not blocks and len(group) == 1 and not is_furniture(para):
            # The text before the first photo's caption is the gallery's introduction.
            blocks.append(Block(group.pop(), "paragraph"))
        if is_furniture(para):
            continue
        match = TRAILING_CREDIT.search(para)
        if match:
            group.append(para[: match.start()].strip())
            close(match.group(1))
        else:
            group.append(para)
    close()
    return blocks


# A pull quote's attribution, set on a line of its own ("- Sergei Ryabkov, Russian Deputy
# Foreign Minister"), and a paragraph that is all quotation: who said it is in the one, what
# in the other, and a dash-led line would otherwise go as furniture.
ATTRIBUTION = re.compile(r"^[-–—]\s+([A-Z][^.!?]{2,100})$")
QUOTATION = re.compile(r"^[\"'“‘].*[\"'”’]$")
ATTRIBUTION_WORDS = 12
ATTRIBUTED = re.compile(r"(?<=[\"'”’])\s+—\s+[A-Z][^.!?—\"“”]{2,100}$")  # the joined attribution, at a quotation's end


def attributed(paragraphs: list[str]) -> list[str]:
    """The paragraphs with each pull-quote attribution joined to the quotation beside it
    (before it, else after it: pages set it either way), as "“…” — Monther, Aleppo resident"."""
    found = list(paragraphs)
    for i, para in enumerate(paragraphs):
        credit = ATTRIBUTION.match(para)
        if not credit or len(para.split()) > ATTRIBUTION_WORDS:
            continue
        beside = [j for j in (i - 1, i + 1) if 0 <= j < len(found) and QUOTATION.match(found[j])]
        if beside:
            found[beside[0]] += " — " + credit.group(1)
    return found


def plain_article(paragraphs: list[str]) -> list[Block]:
    blocks = []
    for para in attributed(paragraphs):
        if is_furniture(para):
            continue
        kind: PassageKind = "caption" if re.search(r"\([^()]{0,80}\)$", para) and _has_agency(para) else "paragraph"
        blocks.append(Block(_tidy_credit(para) if kind == "caption" else para, kind))
    return blocks


def _has_agency(para: str) -> bool:
    tail = para[para.rfind("(") :]
    return bool(re.search(AGENCIES, tail)) or len(tail.split()) <= 6


def _tidy_credit(para: str) -> str:
    """"(  / Reuters)" → "(Reuters)": credits lose empty name slots in page exports."""
    head, _, tail = para.rpartition("(")
    return head.rstrip() + credit_suffix(tail)


# --- HTML and HTML-ish markdown --------------------------------------------------------

JUNK_SELECTORS = "script, style, noscript, nav, header, footer, aside, form, button, svg, iframe, [data-testid=share-tools]"
JUNK_ATTR = re.compile(
    r"(^|[\s_-])(ad|ads|advert\w*|sponsor\w*|masthead\w*|site-index|newsletter|share\w*|social|related|promo|"
    r"top-wrapper|bottom-wrapper|place-ad|toolbar)($|[\s_-])",
    re.IGNORECASE,
)
BLOCK_TAGS = {"p", "div", "section", "article", "main", "li", "h1", "h2", "h3", "h4", "blockquote", "figure", "figcaption", "td"}


def looks_like_html(raw: str) -> bool:
    return len(re.findall(r"</?(div|span|p|html|body|article)\b", raw[:20000], re.IGNORECASE)) >= 3


def markdown_to_html(raw: str) -> str:
    """HTML-ish markdown (a page exported by pandoc) → HTML the parser can read.

    Images keep their alt text (the caption) as a figure; links keep their text;
    headings and list markers become tags.
    """
    text = re.sub(r"!\[([^\]]*)\]\([^)\s]*\)", r"<figure>\1</figure>", raw, flags=re.DOTALL)
    text = re.sub(r"\[([^\]]*)\]\([^)\s]*\)", r"\1", text, flags=re.DOTALL)
    text = re.sub(r"^(#{1,6})\s+(.+)$", lambda m: f"<h{len(m.group(1))}>{m.group(2)}</h{len(m.group(1))}>", text, flags=re.MULTILINE)
    text = re.sub(r"^\s*[-*]\s+", "\n", text, flags=re.MULTILINE)
    return text


def html_blocks(raw: str) -> list[Block]:
    tree = HTMLParser(markdown_to_html(raw))
    root = tree.css_first("[itemprop=articleBody]") and tree.css_first("#site-content, main, [role=main], article") or tree.body
    if root is None:
        return []
    for node in root.css(JUNK_SELECTORS):
        node.decompose()
    for node in list(root.traverse()):
        if node.tag != "-text" and _is_junk(node):
            node.decompose()
    blocks: list[Block] = []
    _collect(root, blocks)
    return blocks


def _is_junk(node: Node) -> bool:
    attrs = node.attributes
    style = (attrs.get("style") or "").replace(" ", "").lower()
    if "visibility:hidden" in style or "display:none" in style:
        return True
    labels = " ".join(filter(None, [attrs.get("class"), attrs.get("id"), attrs.get("data-testid")]))
    return bool(JUNK_ATTR.search(labels)) and node.tag not in ("body", "html")


def _collect(node: Node, blocks: list[Block]) -> None:
    """Walk in document order: figures become captions, text between blocks paragraphs."""
    if _is_figure(node):
        caption = _caption(node)
        if caption:
            blocks.append(Block(caption, "caption"))
        return
    buffer: list[str] = []
    child = node.child
    while child is not None:
        if child.tag == "-text" or child.tag not in BLOCK_TAGS:
            buffer.append(_inline_text(child))
        else:
            _flush(buffer, blocks)
            _collect(child, blocks)
        child = child.next
    _flush(buffer, blocks)


def _inline_text(node: Node) -> str:
    if node.tag == "-text":
        return node.text_content or ""
    if node.tag == "br":
        return "\n\n"
    return node.text(deep=True, separator="")


def is_byline(text: str) -> bool:
    """ "By Anne Barnard and Nick Cumming-Bruce", with or without the date printed under it."""
    dated = re.fullmatch(rf"(.+?), {PRINTED_DATE.pattern}", text, re.IGNORECASE)
    return bool(BYLINE.match(dated.group(1) if dated else text))


def _flush(buffer: list[str], blocks: list[Block]) -> None:
    for para in re.split(r"\n\s*\n", "".join(buffer)):
        para = normalize(para)
        if blocks and BYLINE.match(blocks[-1].text) and PRINTED_DATE.fullmatch(para):
            blocks[-1] = Block(f"{blocks[-1].text}, {para}", "paragraph")
        elif BYLINE.match(para) or para and not is_furniture(para):
            blocks.append(Block(para, "paragraph"))
    buffer.clear()


def _is_figure(node: Node) -> bool:
    return node.tag in ("figure", "figcaption") or node.attributes.get("data-testid") == "photoviewer-children"


def _caption(node: Node) -> str:
    credit_node = node.css_first("[itemprop=copyrightHolder], .credit, [class*=credit]")
    credit = credit_node.text(separator=" ") if credit_node else ""
    if credit_node:
        credit_node.decompose()
    for label in node.css("span"):
        if normalize(label.text()) in ("Image", "Credit...", "Credit"):
            label.decompose()
    caption = normalize(node.text(separator=" "))
    credit = re.sub(r"^Credit\.*\s*", "", normalize(credit))
    return caption + credit_suffix(credit) if caption else ""


# --- entry point ------------------------------------------------------------------------


BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
DECLARED_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)


def decode(data: bytes, name: str) -> str:
    """Text in the encoding the file states (a byte-order mark, an HTML page's
    <meta charset>), else UTF-8. Nothing is guessed: a wrong guess would index
    mojibake without a word of warning, so undeclared non-UTF-8 text is refused."""
    for bom, codec in BOMS:  # UTF-32 LE first: its mark begins with UTF-16 LE's
        if data.startswith(bom):
            try:
                return data.decode(codec)
            except UnicodeDecodeError:
                raise IngestError(f"{name}: damaged {codec.upper()} text") from None
    if b"\x00" in data[:4096]:
        raise IngestError(f"{name}: binary file, not text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    declared = DECLARED_CHARSET.search(data[:4096])
    if declared:
        try:
            return data.decode(declared.group(1).decode("ascii"))
        except (LookupError, UnicodeDecodeError):
            pass
    raise IngestError(f"{name}: not UTF-8 text (re-save it as UTF-8)")


def extract_blocks(raw: str, title: str = "") -> list[Block]:
    """The content of one page, whatever its shape, as clean blocks in reading order."""
    if looks_like_html(raw):
        heading = normalize(title).casefold()
        return [b for b in html_blocks(raw) if normalize(b.text).casefold() != heading]
    paragraphs = strip_header(text_paragraphs(raw), title)
    return numbered_gallery(paragraphs) or credit_gallery(paragraphs) or plain_article(paragraphs)
