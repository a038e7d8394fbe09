"""grader: local, explainable grading of free-text answers to interview questions.

The core (bank, text, lexicon, embedding, scoring) takes data and returns result objects; the
front ends (cli, tui) and the storage and report modules call it.
"""

__version__ = "0.1.0"
