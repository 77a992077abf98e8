"""newsgraph: news articles in, a queryable linked-data graph of officials and their posts out.

The flow is one way, one module per stage:
read (:mod:`newsgraph.sources`) → extract (:mod:`newsgraph.extract`) → link (:mod:`newsgraph.link`)
→ map (:mod:`newsgraph.mapping`) → store (:mod:`newsgraph.store`) → serve (:mod:`newsgraph.web`).
"""

__version__ = "0.1.0"
