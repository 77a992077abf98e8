"""Linking: from a name in an article to a Wikidata QID."""
