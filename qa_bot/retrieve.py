"""Hybrid retrieval: dense and keyword scores fused, then one result per fact.

Dense search understands paraphrase; BM25 finds names, figures and quotes. Each
alone misses what the other finds, so both score every candidate and a weighted
sum ranks them. Dates and outlets the question names lift matching passages;
explicit filters remove the rest before ranking. Near-identical passages (one
caption in two galleries) collapse into one result that lists every outlet.
"""

from __future__ import annotations

import math
from functools import lru_cache
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import faiss
import numpy as np

from qa_bot.bodies import asks_body, introduce_bodies
from qa_bot.chunking import without_credit
from qa_bot.index import IndexData
from qa_bot.joining import JOIN_WINDOW, join_adjacent, parts
from qa_bot.lexical import KeywordScores, split_compound, stemmer, tokenize, words
from qa_bot.models import Hit, Passage
from qa_bot.speakers import LOOK_BACK, introduce_speakers
from qa_bot.store import PassageTable, runs
from qa_bot.dates import MONTH_DAY, MONTHS, WEEKDAYS
from qa_bot.query import NICKNAMES, QUESTION_WORDS, Query, QueryParser, name_forms, without_article
from qa_bot.tokens import TokenSet, segment_rows

CANDIDATES = 100
# Late interaction rescores this many of the best fused candidates: every labelled
# figure is the same from 30 to all of them (at 20, one held-out MRR moves by 0.002).
LATE_DEPTH = 30
EXACT_FILTERED = 50_000  # a filter leaving at most this many passages: exact dense scores (~20 ms at most)


def search_parameters(index: faiss.Index, selector: faiss.IDSelector) -> faiss.SearchParameters:
    """A filter for any index type: IVF and HNSW each take their own parameter class
    (IVF refuses the base class), with the search setting stored in the index."""
    if isinstance(index, faiss.IndexIVF):
        return faiss.SearchParametersIVF(sel=selector, nprobe=index.nprobe)
    if isinstance(index, faiss.IndexHNSW):
        return faiss.SearchParametersHNSW(sel=selector, efSearch=index.hnsw.efSearch)
    return faiss.SearchParameters(sel=selector)


@dataclass(frozen=True)
class Weights:
    """Fusion weights (tuned on the dev questions with `qa-bot eval`)."""

    dense: float = 1.0
    sentence: float = 0.5  # share of the best sentence in the dense score
    keyword: float = 0.6
    date: float = 0.15
    outlet: float = 0.5  # a named outlet's passages first, unless others answer far better
    author: float = 1.0  # bylines and contributor lines, when the question asks who wrote
    title: float = 0.1  # passages of the piece whose headline the question echoes
    neighbour: float = 0.1  # share of the best adjacent passage's score (context)
    tokens: float = 1.0  # late interaction: each question word's best match in the passage
    fragment: float = 0.3  # taken off a passage of no words, in proportion below FRAGMENT_WORDS
    per_document: int = 2  # at most this many of the top 5 from one document
    join: int = JOIN_WINDOW  # adjacent paragraphs among this many first results are one excerpt


@dataclass(frozen=True)
class Filters:
    outlet: str | None = None
    since: str | None = None
    until: str | None = None

    def active(self) -> bool:
        return any((self.outlet, self.since, self.until))


@dataclass
class Signals:
    """What the abstention model looks at for one question.

    Every signal is judged against what retrieval returned, not against corpus-wide
    vocabulary: a bigger corpus knows more words, but the answer still has to be in
    the result that is shown.
    """

    dense_top: float = 0.0  # best dense score among the candidates
    dense_hit: float = 0.0  # dense score of the first result itself
    dense_lead: float = 0.0  # how far the best dense score stands above the candidates' median
    unknown_names: int = 0  # names and numbers of the question absent from the first result's piece
    # Fused scores less any boost for an outlet the question names: the best, and its
    # lead over the fifth best.
    fused_top: float = 0.0
    fused_lead: float = 0.0
    agreement: float = 0.0  # 1 when dense and keyword agree on the top passage

    def vector(self) -> list[float]:
        # The hinge lets a very weak semantic match count more than a linear term can.
        low_dense = max(0.0, LOW_DENSE - self.dense_hit)
        return [self.dense_top, self.dense_hit, self.dense_lead, float(self.unknown_names),
                self.fused_top, self.fused_lead, self.agreement, low_dense]


LOW_DENSE = 0.35
# A caption of three words ("Aleppo's historic citadel.") is close to every question that
# names its subject, densely and by BM25 (length normalisation favours it), yet says
# nothing that could answer one: below this many keyword tokens a passage is discounted.
FRAGMENT_WORDS = 8


@dataclass
class Ranked:
    hits: list[Hit]
    signals: Signals
    query: Query
    dense_order: list[int] = field(default_factory=list)
    keyword_order: list[int] = field(default_factory=list)


class Retriever:
    def __init__(self, index: IndexData, weights: Weights = Weights()) -> None:
        self.index = index
        self.weights = weights
        self.passages = index.passages
        # Plain-array views of the (possibly memory-mapped) vectors: indexing a np.memmap
        # builds a memmap object each time, a tenth of the ranking time.
        self.vectors, self.sentence_vectors = np.asarray(index.vectors), np.asarray(index.sentence_vectors)
        self.sentence_offsets = np.asarray(index.sentence_offsets)
        self.table = table = index.table or PassageTable.from_passages(index.passages)
        self.outlets = outlets = sorted({d["outlet"] for d in table.documents})
        self.parser = QueryParser(index.vocabulary, outlets)
        # Filters and outlet names are decided per document, then read off per passage:
        # a million passages cost one array lookup, not a million string comparisons.
        self.document_outlets = [d["outlet"].casefold() for d in table.documents]
        self.outlet_codes = {o: i for i, o in enumerate(sorted(set(self.document_outlets)))}
        self.document_outlet_code = np.array([self.outlet_codes[o] for o in self.document_outlets], dtype=np.int32)
        self.documents = table.column("file")
        self.copies = copies_of(np.asarray(index.groups))
        self.credits, self.datelines = table.credit, table.dateline
        # A byline with the date printed under it ("By Anne Barnard …, Dec. 9, 2016").
        self.dated_credits = np.zeros_like(table.credit)
        for i in np.flatnonzero(table.credit):  # a few per piece: read only those
            self.dated_credits[i] = bool(MONTH_DAY.search(index.passages[int(i)].text))
        # Bylines and datelines are short by nature and answer "who wrote" and "where from".
        fragment = np.clip((FRAGMENT_WORDS - table.words) / FRAGMENT_WORDS, 0.0, 1.0)
        self.fragment = np.where(table.credit | table.dateline, 0.0, fragment).astype(np.float32)
        self.names = {d["file"]: piece_name(d["title"], d["url"]) for d in table.documents}
        self.titles = Headlines(self.names)
        self.furniture = not_names(outlets)
        self.document_stems = lru_cache(maxsize=4096)(self._document_stems)
        self.captions = lru_cache(maxsize=4096)(self._captions)
        self._tokens_cache: dict[int, list[set[str]]] = {}

    # --- candidate generation ---------------------------------------------------------

    def earlier_paragraphs(self, passage: Passage) -> list[Passage]:
        """The paragraphs of a passage's article before it, nearest first."""
        before = [self.passages[int(i)] for i in self.table.members(passage.document)]
        return [p for p in reversed(before) if p.position < passage.position and p.kind == "paragraph"][:LOOK_BACK]

    def outlets_named(self, name: str) -> set[str]:
        """The corpus outlets a filter names: by a part of the name ("Post", "new york")
        or the way a question would name it ("nyt", "wapo", "the Globe")."""
        wanted = without_article(" ".join(name.split())).casefold()
        found = {o for o in self.outlets if wanted in o.casefold()}
        return found | {o for alias, o in self.parser.aliases if alias.casefold() == wanted}

    def allowed(self, filters: Filters) -> np.ndarray | None:
        if not filters.active():
            return None
        outlets = {o.casefold() for o in self.outlets_named(filters.outlet or "")}
        allowed = np.array([
            outlet in outlets and (not filters.since or published >= filters.since)
            and (not filters.until or bool(published) and published <= filters.until)
            for outlet, published in zip(self.document_outlets, (d["published"] for d in self.table.documents))
        ], dtype=bool)
        return allowed[self.table.document]

    def dense_candidates(self, qvec: np.ndarray, mask: np.ndarray | None, n: int) -> np.ndarray:
        """The `n` nearest passages, among those a filter allows. When a filter leaves
        few passages they are all scored exactly: an approximate index would search
        only its usual share of cells or links, and find fewer of them."""
        if mask is None:
            _, ids = self.index.dense.search(qvec.reshape(1, -1), n)
            return ids[0][ids[0] >= 0]
        allowed = np.flatnonzero(mask)
        if len(allowed) <= EXACT_FILTERED:
            scores = self.vectors[allowed] @ qvec
            best = np.argpartition(-scores, n - 1)[:n] if len(allowed) > n else np.arange(len(allowed))
            return allowed[best[np.argsort(-scores[best], kind="stable")]]
        selector = faiss.IDSelectorBatch(allowed.astype(np.int64))
        _, ids = self.index.dense.search(qvec.reshape(1, -1), n, params=search_parameters(self.index.dense, selector))
        return ids[0][ids[0] >= 0]

    # --- scoring ------------------------------------------------------------------------

    def rank(self, query: Query, qvec: np.ndarray, k: int, filters: Filters = Filters(),
             tokens: TokenSet | None = None) -> Ranked:
        """`tokens`: the question's content tokens, for late interaction (skipped without)."""
        candidates, keyword_all, keyword_ids, lines = self._candidates(query, qvec, self.allowed(filters))
        if len(candidates) == 0:
            return Ranked([], Signals(), query)
        best_possible = self._best_possible_bm25(query.tokens)
        scale = 1.0 / best_possible if best_possible > 0 else 0.0
        dense = self._dense_scores(candidates, qvec)
        keyword = keyword_all.at(candidates) * scale
        base = self.weights.dense * dense + self.weights.keyword * keyword
        if self.weights.neighbour:
            base = base + self.weights.neighbour * self._neighbour_base(candidates, qvec, keyword_all, scale)
        named = self._of_named_outlets(candidates, query)
        evidence = base + self._boosts(candidates, query, named, lines)
        # The outlet boost is kept out of the evidence abstention weighs: naming a paper
        # says which one to quote, not that the coverage answers ("NBC's weather forecast").
        fused = evidence if named is None else evidence + self.weights.outlet * named
        # Whether the coverage answers is judged on the passage the fused evidence puts
        # first, as the abstention model was fitted; late interaction then orders what is
        # shown (it moved 1 of 144 labelled decisions, so it is left out of the judging).
        judged = int(np.argmax(fused))
        fused = fused + self.weights.tokens * self._late(candidates, fused, tokens)
        order = np.argsort(-fused)
        hits = self._collapse([int(candidates[i]) for i in order], fused[order], k)
        for hit in hits:
            hit.highlight = self.highlight(hit, query, qvec)
        if query.asks_who:
            hits = introduce_speakers(hits, self.earlier_paragraphs)
        if asks_body(query.text):
            hits = introduce_bodies(hits, self.earlier_paragraphs)
        signals = self._signals(query, candidates, dense, keyword, evidence, judged)
        return Ranked(
            hits, signals, query,
            dense_order=[int(i) for i in candidates[np.argsort(-dense)]],
            keyword_order=[int(i) for i in keyword_ids],
        )

    def _candidates(self, query: Query, qvec: np.ndarray,
                    mask: np.ndarray | None) -> tuple[np.ndarray, KeywordScores, np.ndarray, np.ndarray | None]:
        """The union of the dense and keyword top lists (and the piece's byline,
        dateline or photo for a question about the piece): either side alone misses
        answers the other finds. Also the keyword scores of every allowed passage, which
        the neighbour score reads, the keyword top list in its order, and which passages
        are the piece lines the question asks for (None: it asks for none)."""
        total = len(self.passages)
        n = min(CANDIDATES, total)
        keyword_all = self.index.keyword.scores(query.tokens, total)
        if mask is not None:
            keyword_all = keyword_all.only(mask)
        keyword_ids = keyword_all.top(n)
        dense_ids = self.dense_candidates(qvec, mask, n)
        found = np.concatenate([dense_ids, keyword_ids]).astype(np.int64)
        lines = self._piece_lines(query, found)
        extra = self._piece_line_candidates(query, mask, found, lines)
        candidates = np.unique(np.concatenate([dense_ids, keyword_ids, extra])).astype(np.int64)
        return candidates, keyword_all, keyword_ids, lines

    def _late(self, candidates: np.ndarray, fused: np.ndarray, tokens: TokenSet | None) -> np.ndarray:
        """Late interaction scores of the `LATE_DEPTH` best candidates (0 for the rest):
        it reorders what fusion found, at a cost that does not grow with the corpus."""
        late = np.zeros(len(candidates))
        if tokens is None or self.index.tokens is None or not self.weights.tokens:
            return late
        best = np.argsort(-fused)[:LATE_DEPTH]
        late[best] = self.index.tokens.scores(candidates[best], tokens)
        return late

    def _piece_lines(self, query: Query, found: np.ndarray) -> np.ndarray | None:
        """The passages that answer a question about the piece itself: its byline for
        "who wrote …", its dateline for "where was it filed", its dated byline for "when was
        it published", its photo at the place asked
        for ("the first photo"; of the pieces the searches `found` and of the outlet the
        question names); None for other questions."""
        if query.about_authors:
            return self.credits
        if query.about_dateline:
            return self.datelines
        if query.about_published:
            return self.dated_credits
        if query.photo_at is None:
            return None
        pieces = set(self.table.document[found].tolist())
        if query.outlets:
            pieces |= set(np.flatnonzero(self._named_pieces(query))[:CANDIDATES].tolist())
        lines = np.zeros(len(self.passages), dtype=bool)
        for piece in pieces:
            captions = self.captions(piece)
            if -len(captions) <= query.photo_at < len(captions):
                lines[captions[query.photo_at]] = True
        return lines

    def _captions(self, piece: int) -> list[int]:
        """A piece's photo captions, in order."""
        return [int(i) for i in self.table.passages_of([piece]) if self.passages[int(i)].kind == "caption"]

    def _piece_line_candidates(self, query: Query, mask: np.ndarray | None, found: np.ndarray,
                               lines: np.ndarray | None) -> np.ndarray:
        """Bylines, datelines and captions asked for by place share no words with the
        question, so they join the candidates directly: those of the articles the
        searches `found`, or, when none of those is by the outlet the question names,
        that outlet's first ones."""
        if lines is None:
            return np.zeros(0, dtype=np.int64)
        ids = self.table.passages_of(np.unique(self.table.document[found]).tolist())
        ids = ids[lines[ids]]
        ids = ids[self._of_outlets(ids, query, mask)]
        if not len(ids) and query.outlets:
            ids = np.flatnonzero(lines)
            ids = ids[self._of_outlets(ids, query, mask)]
        return ids[:CANDIDATES]

    def _of_outlets(self, ids: np.ndarray, query: Query, mask: np.ndarray | None) -> np.ndarray:
        """Which of `ids` a filter allows and come from an outlet the question names (if any)."""
        keep = np.ones(len(ids), dtype=bool) if mask is None else mask[ids]
        named = self._of_named_outlets(ids, query)
        return keep if named is None else keep & named

    def _of_named_outlets(self, ids: np.ndarray, query: Query) -> np.ndarray | None:
        """Which of `ids` come from an outlet the question names; None when it names none."""
        return self._named_pieces(query)[self.table.document[ids]] if query.outlets else None

    def _named_pieces(self, query: Query) -> np.ndarray:
        """Which documents are by an outlet the question names."""
        wanted = [self.outlet_codes[o.casefold()] for o in query.outlets if o.casefold() in self.outlet_codes]
        return np.isin(self.document_outlet_code, wanted)

    def _dense_scores(self, candidates: np.ndarray, qvec: np.ndarray) -> np.ndarray:
        """Blend of whole-passage and best-sentence similarity."""
        passage = self.vectors[candidates] @ qvec
        offsets = self.sentence_offsets
        starts, lengths = offsets[candidates], offsets[candidates + 1] - offsets[candidates]
        best_sentence = passage.astype(np.float64)
        has = lengths > 0
        if has.any():  # every candidate's sentences in one gather and one matmul
            rows, firsts = segment_rows(starts[has], lengths[has])
            best_sentence[has] = np.maximum.reduceat(self.sentence_vectors[rows] @ qvec, firsts)
        share = self.weights.sentence
        return (1 - share) * passage + share * best_sentence

    def _neighbour_base(self, candidates: np.ndarray, qvec: np.ndarray, keyword_all: KeywordScores,
                        scale: float) -> np.ndarray:
        """The better of the two adjacent passages' scores, when in the same document:
        an answer often sits next to the paragraph that names the question's subject."""
        total = len(self.passages)
        best = np.zeros(len(candidates))
        for step in (-1, 1):
            other = np.clip(candidates + step, 0, total - 1)
            same = (other != candidates) & (self.documents[other] == self.documents[candidates])
            score = self.weights.dense * self._dense_scores(other, qvec) + self.weights.keyword * scale * keyword_all.at(other)
            best = np.maximum(best, np.where(same, score, 0.0))
        return best

    def _best_possible_bm25(self, tokens: list[str]) -> float:
        """The BM25 score a passage containing every query term would get: a
        query-independent scale, so keyword scores mean the same across questions.
        A term the corpus never uses counts as a rare word nobody matched."""
        scores = [self.index.keyword.term_max(token) for token in set(tokens)]
        known = [s for s in scores if s > 0]
        return sum(known) + (len(scores) - len(known)) * max(known, default=1.0)

    def _boosts(self, candidates: np.ndarray, query: Query, named: np.ndarray | None,
                lines: np.ndarray | None) -> np.ndarray:
        """Dates, headlines, piece lines asked for (`lines`) and captions of a few words;
        `named`: which candidates are of an outlet the question names (None: it names none)."""
        boost = -self.weights.fragment * self.fragment[candidates].astype(np.float64)
        if query.month_days:
            boost += self.weights.date * np.array([bool(self.table.month_days(c) & query.month_days) for c in candidates])
        documents = self.documents[candidates]
        echoes = self.titles.echoes(set(query.tokens), {str(d) for d in documents})
        echo = np.array([echoes.get(d, 0.0) for d in documents])
        boost += self.weights.title * echo
        if lines is not None:  # the byline, dateline or photo of the named outlet or echoed headline comes first
            wanted = lines[candidates] if named is None else lines[candidates] & named
            boost += self.weights.author * (1 + echo) * wanted
        return boost

    # --- one result per fact, a few documents ----------------------------------------

    def _collapse(self, ranked: list[int], scores: np.ndarray, k: int) -> list[Hit]:
        """Merge duplicates into the best-ranked copy; at most `per_document` of the top 5
        from one document while other relevant results remain."""
        by_group: dict[int, Hit] = {}
        unique: list[Hit] = []
        enough = 3 * max(k, 5)  # diversify never reaches further down; later candidates only add copies
        for pid, group, score in zip(ranked, self.index.groups[ranked].tolist(), scores.tolist()):
            if group in by_group:
                rep = by_group[group]
                document = self.documents[pid]
                if document != rep.passage.document and all(p.document != document for p in rep.also_in):
                    rep.also_in.append(self.passages[pid])
                continue
            if len(unique) >= enough:
                continue
            hit = Hit(self.passages[pid], score)
            by_group[group] = hit
            unique.append(hit)
        self._add_other_copies(unique)
        return diversify(join_adjacent(unique, self.weights.join, photos_between=self._photos_between), k,
                         self.weights.per_document)

    def _photos_between(self, earlier: Passage, later: Passage) -> bool:
        """Only photo captions stand between two paragraphs of one article (ids follow
        reading order within an article)."""
        between = range(earlier.id + 1, later.id)
        in_order = later.position - earlier.position == later.id - earlier.id
        return in_order and 0 < len(between) <= 3 and all(
            self.passages[i].kind == "caption" and self.passages[i].document == earlier.document for i in between)

    def _add_other_copies(self, hits: list[Hit]) -> None:
        """Copies outside the candidate list still belong in `also_in`."""
        groups = self.index.groups
        for hit in hits[:20]:
            members = self.copies.get(int(groups[hit.passage.id]), ())
            known = {hit.passage.document, *(p.document for p in hit.also_in)}
            for pid in members:
                other = self.passages[int(pid)]
                if other.document not in known:
                    hit.also_in.append(other)
                    known.add(other.document)

    # --- highlight ----------------------------------------------------------------------

    def _sentence_tokens(self, passage: Passage) -> list[set[str]]:
        """Each sentence's keyword tokens: one tokenize call per passage, then cached."""
        found = self._tokens_cache.get(passage.id)
        if found is None:
            found = [set(t) for t in tokenize([passage.text[a:b] for a, b in passage.sentences])]
            self._tokens_cache[passage.id] = found
        return found

    def highlight(self, hit: Hit, query: Query, qvec: np.ndarray) -> tuple[int, int] | None:
        """The sentence that best answers: meaning and shared rare words both count.
        A joined excerpt is judged sentence by sentence across all its parts (its
        sentence spans are its parts' in order)."""
        spans = hit.passage.sentences
        if not spans:
            return None
        scores = np.concatenate([self._sentence_scores(part, query, qvec) for part in parts(hit)])
        start, end = spans[int(np.argmax(scores))]
        trimmed = re.sub(r"\s*\([^()]*\)\s*$", "", hit.passage.text[start:end])
        return (start, start + len(trimmed)) if trimmed else (start, end)

    def _sentence_scores(self, passage: Passage, query: Query, qvec: np.ndarray) -> np.ndarray:
        spans = passage.sentences
        offsets = self.sentence_offsets
        vectors = self.sentence_vectors[offsets[passage.id] : offsets[passage.id + 1]]
        semantic = vectors @ qvec if len(vectors) == len(spans) else np.zeros(len(spans))
        wanted = set(query.tokens)
        overlap = np.array([len(wanted & tokens) / max(1, len(wanted)) for tokens in self._sentence_tokens(passage)])
        score = semantic + 0.5 * overlap
        if query.wants:
            score = score + HIGHLIGHT_KIND * np.array([states(passage.text[a:b], query.wants) for a, b in spans])
        if query.about_published and self.dated_credits[passage.id]:
            score = score + 1.0  # the date printed with the byline is the answer
        return score

    # --- abstention signals ----------------------------------------------------------

    def _document_stems(self, document: str, credits: bool = False) -> frozenset[str]:
        """Names are judged against the whole piece a result comes from: the article
        about Aleppo counts as naming Aleppo even where one paragraph does not. Photo
        credits count only for a question about a photo ("the Reuters photo"): they name
        agencies, and "Agence France-Presse" must not make "France" look covered."""
        texts = [text if credits else without_credit(text)
                 for text in (self.passages[int(i)].text for i in self.table.members(document))]
        texts.append(self.names.get(document, ""))  # "the Big Picture gallery" names the piece
        return frozenset(stem(w) for text in texts for w in (*words(text), *acronyms(text)))

    def _signals(self, query: Query, candidates: np.ndarray, dense: np.ndarray, keyword: np.ndarray,
                 evidence: np.ndarray, at: int) -> Signals:
        """`at`: the candidate judged (its position in `candidates`)."""
        order = np.argsort(-evidence)
        runner_up = next((int(i) for i in order if i != at), at)
        return Signals(
            dense_top=float(dense.max()),
            dense_hit=float(dense[at]),
            dense_lead=float(dense.max() - np.median(dense)),
            unknown_names=min(self._unknown_names(query, int(candidates[i])) for i in (at, runner_up)),
            fused_top=float(evidence[order[0]]),
            fused_lead=float(evidence[order[0]] - evidence[order[min(4, len(order) - 1)]]),
            agreement=float(int(candidates[np.argmax(dense)]) == int(candidates[np.argmax(keyword)])),
        )

    def _unknown_names(self, query: Query, passage: int) -> int:
        """The question's names and numbers that the passage's article (and its copies'
        articles) never mention. The caller takes the fewer of the first two results:
        they are often nearly tied, and a name the answer's own article holds is not
        unknown because a neighbouring article came first (it declined "Why is Aleppo's
        Old City considered internationally important?" when a caption came first)."""
        copies = self.copies.get(int(self.index.groups[passage]), np.array([passage]))
        pieces = [self.table.documents[code] for code in set(self.table.document[copies].tolist())]
        # "in 2016" asks nothing a piece published in 2016 must spell out.
        years = {(d.get("published") or "")[:4] for d in pieces} - {""}
        in_pieces = set().union(*(self.document_stems(d["file"], query.about_photo) for d in pieces), years)
        return sum(1 for w in query.names if w.lower() not in self.furniture
                   and not any(self._in_pieces(form, in_pieces, pieces) for form in name_forms(w.lower())))

    def _in_pieces(self, form: str, stems: set[str], pieces: list[dict]) -> bool:
        """One word by its stem; a name of several ("united states") as written, in order."""
        if " " not in form:
            return stem(form) in stems
        pattern = re.compile(rf"(?<!\w){re.escape(form)}(?!\w)", re.IGNORECASE)
        return any(pattern.search(self.passages[int(i)].text) for d in pieces for i in self.table.members(d["file"]))


HIGHLIGHT_KIND = 0.2  # for a sentence that states the kind of answer asked for ("how many": a figure)
FIGURE = re.compile(r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|dozens?|hundreds?"
                    r"|thousands?|millions?|half|quarters?|thirds?|percent)\b", re.IGNORECASE)
TIME = re.compile(r"\b(?:" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\b\.?\s*\d|\b(?:"
                  + "|".join(WEEKDAYS) + r"|yesterday|today|tonight|overnight|dawn|nightfall"
                  r"|morning|evening|weeks?|months?|years?|days?|hours?|(?:19|20)\d\d)\b", re.IGNORECASE)


def states(sentence: str, wants: str | None) -> bool:
    """Whether a sentence states a figure or a time, when that is what the question asks."""
    pattern = {"number": FIGURE, "time": TIME}.get(wants or "")
    return bool(pattern and pattern.search(sentence))


URL_NOISE = {"www", "com", "net", "org", "html", "htm", "php", "aspx", "index", "story", "amp"}


def copies_of(groups: np.ndarray) -> dict[int, np.ndarray]:
    """The passages of every duplicate group with more than one member (most have
    one): found once at load, so no question scans the whole corpus for copies."""
    order, starts = runs(groups, len(groups))
    shared = np.flatnonzero(np.diff(starts) > 1)
    return {int(g): order[starts[g] : starts[g + 1]] for g in shared}


def piece_name(title: str, url: str) -> str:
    """What a question may call a piece: its headline, and the section names of its
    address ("bostonglobe.com/news/bigpicture/…" is the Globe's Big Picture photo blog).
    The hyphenated slug only repeats the headline, and its common words would echo."""
    sections = [s.replace("_", " ") for s in urlsplit(url or "").path.lower().split("/")]
    named = [split_compound(s) if " " not in s else s for s in sections
             if len(s) >= 3 and s.replace(" ", "").isalpha() and s not in URL_NOISE]
    return " ".join([title, *named])


class Headlines:
    """How much of each piece's name (headline and address words) a question repeats,
    rare words counting most: "the article about chaos and desperation" names one piece."""

    def __init__(self, titles: dict[str, str]) -> None:
        self.tokens = {doc: set(toks) for doc, toks in zip(titles, tokenize(list(titles.values())))}
        counts: dict[str, int] = {}
        for toks in self.tokens.values():
            for t in toks:
                counts[t] = counts.get(t, 0) + 1
        self.idf = {t: math.log(1 + len(self.tokens) / n) for t, n in counts.items()}

    def echoes(self, query_tokens: set[str], documents: set[str]) -> dict[str, float]:
        found = {}
        for doc in documents:
            toks = self.tokens.get(doc, set())
            total = sum(self.idf[t] for t in toks)
            shared = [t for t in toks & query_tokens]
            if len(shared) >= 2 and total > 0:
                found[doc] = sum(self.idf[t] for t in shared) / total
        return found


CALENDAR = {*MONTHS, *WEEKDAYS}


DOTTED = re.compile(r"\b(?:[A-Z]\.){2,}")
NAMED_RUN = re.compile(r"\b[A-Z][a-z]+(?:\s+(?:(?:of|for|and|the)\s+)?[A-Z][a-z]+)+")


def acronyms(text: str) -> list[str]:
    """How a question may abbreviate what a text spells out: "U.N." and "United
    Nations" are both "un"; "Syrian Observatory for Human Rights" is "sohr"."""
    found = [m.replace(".", "").lower() for m in DOTTED.findall(text)]
    for run in NAMED_RUN.findall(text):
        found.append("".join(w[0] for w in run.split() if w[0].isupper() and w != "The").lower())
    return found


def not_names(outlets: list[str]) -> set[str]:
    """Capitalised words a question may use that no passage needs to contain: question
    words, the names of the corpus's outlets, and days and months (dates are matched
    separately). An outlet the corpus lacks ("according to the BBC") is a name."""
    nicknames = {w for alias, outlet in NICKNAMES.items() if outlet in outlets for w in words(alias)}
    return QUESTION_WORDS | CALENDAR | {w for o in outlets for w in words(o)} | nicknames


# A country's people and its name are one name to a reader: "the Canadian-backed
# resolution" is the one "advanced by Canada". Countries and peoples common in world news.
@lru_cache(maxsize=100_000)
def stem(word: str) -> str:
    return stemmer().stemWord(word)


def diversify(hits: list[Hit], k: int, per_document: int, window: int = 5, floor: float = 0.7) -> list[Hit]:
    """Greedy pick: in the first `window` places, a document's third result waits while
    a result from another document scores at least `floor` × the best (a much weaker
    result is no corroboration, and would push out the paragraph that answers). After
    the window, everything left (the waiting results too) follows in score order."""
    if not hits:
        return []
    best = hits[0].score
    top: list[Hit] = []
    waiting: list[Hit] = []
    counts: dict[str, int] = {}
    rest_from = len(hits)
    for i, hit in enumerate(hits):
        if len(top) >= min(window, k) or (hit.score < floor * best and waiting):
            rest_from = i
            break
        doc = hit.passage.document
        if counts.get(doc, 0) >= per_document:
            waiting.append(hit)
            continue
        top.append(hit)
        counts[doc] = counts.get(doc, 0) + 1
    rest = sorted(waiting + hits[rest_from:], key=lambda h: -h.score)
    return (top + rest)[:k]
