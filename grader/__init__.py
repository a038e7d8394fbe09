"""grader: local, explainable grading of free-text answers to interview questions.

The core (bank, text, lexicon, embedding, scoring) takes data and returns result objects; the
front ends (cli, tui) and the storage and report modules call it.
"""

import os

__version__ = "0.1.0"

# ONNX Runtime's telemetry otherwise keeps a device id and a log of events to send under the
# user's cache folder (~/.cache/Microsoft/DeveloperTools/.onnxruntime); it reads this variable
# once, when it loads, which is always after grader's first import.
os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")
