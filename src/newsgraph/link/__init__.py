"""Linking: how a name in an article becomes a Wikidata QID (everything that does it is in this folder).

Follow one person, "Foreign Minister Hakan Fidan", through the modules, in the order ingest
(:func:`newsgraph.ingest.run`) calls them:

1. :mod:`~newsgraph.link.gazetteer` loads the shipped data file (``newsgraph/data/gazetteer.json.gz``,
   or the user's refreshed copy, see 5) and answers look-ups: which countries, places, blocs,
   persons with their positions (P39 with dates) and bodies (parties, ministries, companies...) bear
   a name. It only reads; the file is built by the maintainer tools in ``tools/gazetteer/``, which
   are not part of the installed package. :mod:`~newsgraph.link.lookup_cache` remembers its
   answers to look-ups by name, once per process, for the extraction rules and for step 2.
2. :mod:`~newsgraph.link.offline` (:func:`~newsgraph.link.offline.link`) decides, for each entity
   the extractor found, whether the article's own evidence singles out one gazetteer entry: a post
   claim held at the article's date, the person's country in a story about politics, their field of
   work; never a bare surname alone. The winner's QID goes on the entity (``Entity.wikidata``) with
   a confidence; no evidence, no link (a wrong link merges two people).
3. :mod:`~newsgraph.link.reconcile` (only with ``ingest --online``) takes what step 2 left unlinked,
   asks Wikidata for candidates through :mod:`~newsgraph.link.wikidata_api` (``wbsearchentities``,
   one batched ``wbgetentities``, a batched subclass query for organization classes; every answer
   kept in a sqlite cache with its date, so a re-run is offline), turns them into the same gazetteer
   records and runs step 2 again over the shipped gazetteer with those records laid on top. The
   same rules decide: an online candidate links only where an offline record would.
4. :mod:`~newsgraph.link.identity` gives each person one IRI across the whole archive: mentions
   linked to one QID are one person, and unlinked names join a linked person only on corroborating
   posts or company (a bare surname never alone).
5. :mod:`~newsgraph.link.refresh` and :mod:`~newsgraph.link.gazetteer_cli` (``newsgraph gazetteer
   ...``) renew the gazetteer's office holders and notables from the Wikidata Query Service into
   ``$XDG_DATA_HOME/newsgraph/gazetteer.json.gz``, which step 1 then prefers; the packaged file is
   never written. :mod:`~newsgraph.link.records` is the persons/positions record format that refresh
   and the offline build share.
"""
