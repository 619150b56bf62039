"""What both sides know of words, the indexer's and the search's: what a word is (the patterns
below), and the tables of words kept in the user's cache folder (`tables`), the lemma
dictionaries' among them (`lemmas`, built from simplemma's by `simplemma_reader`).

A leaf: it imports nothing else of the project but `archive.text` and `archive.files`, leaves
themselves, so `archive.analysis` and `indexer.language` can both import it without a cycle
(tests/test_imports.py). The indexer's word-frequency table (`indexer.word_frequencies`) is
kept in the same cache folder, in the same format: only the language detector reads it, and
building it needs wordfreq.
"""

import re

# A word as the index splits a page's text into terms: a run of letters, digits and "_".
TERM_PATTERN = re.compile(r"\w+")
# A word as the language detector reads one, and as its frequency tables keep them: letters
# only.
WORD_PATTERN = re.compile(r"[^\W\d_]+")
