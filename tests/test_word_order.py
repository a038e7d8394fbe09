"""The word-order model: English sentences score well above their own shuffles.

Pure text: the model is the JSON file shipped in grader/data, no sentence encoder is loaded.
"""

from __future__ import annotations

import random

from grader.word_order import MIN_WORDS, default_model, function_word_ratio

SENTENCES = [
    "The learning rate sets how far each update moves the weights along the gradient.",
    "Dropout switches off a random half of the units on every training step.",
    "A deep network stacks many hidden layers between its input and its output.",
    "Normalising the inputs puts every feature on a comparable scale before training.",
    "Batch gradient descent computes the gradient over the whole training set for each step.",
    "Transfer learning starts from a model that was already trained on a large dataset.",
]


def shuffled(sentence: str, seed: int) -> str:
    """A scrambler's shuffle: each whitespace piece moves whole, with any comma stuck to it."""
    words = sentence.rstrip(".").split()
    random.Random(seed).shuffle(words)
    return " ".join(words) + "."


def test_sentences_score_above_their_shuffles():
    model = default_model()
    real = [model.order_score(s) for s in SENTENCES]
    scrambled = [model.order_score(shuffled(s, seed)) for s in SENTENCES for seed in range(3)]
    # One sentence is weak evidence (the scorer pools an answer's sentences); on average the
    # gap is wide.
    assert sum(real) / len(real) > sum(scrambled) / len(scrambled) + 2.0
    assert sorted(real)[len(real) // 2] > sorted(scrambled)[len(scrambled) // 2] + 2.0


def test_the_score_is_deterministic_and_needs_enough_words():
    model = default_model()
    assert model.order_score(SENTENCES[0]) == model.order_score(SENTENCES[0])
    assert model.order_score(" ".join(["word"] * (MIN_WORDS - 1))) is None


def test_terse_and_non_native_sentences_keep_a_sentence_score():
    model = default_model()
    sentences = [
        "Dropout is regularization technic, it randomly turn off neurons when training.",
        "Epoch is when whole training dataset pass one time through the network.",
        "Learning rate is how much big step we do when update the weights.",
        "Vanishing gradient is when gradient become very small in early layer so they not learn.",
        "Transfer learning mean we take model trained before and use it for new task, less data.",
    ]
    scores = [model.order_score(s) for s in sentences]
    # Above the bar under which a long sentence stops counting (scoring.SCRAMBLED_SENTENCE),
    # all but one: "Epoch is when whole training dataset pass ..." sits at the bar (0.5 against
    # 2,000 shuffles), so its sampled score falls either side.
    assert sum(score > 0.5 for score in scores) >= len(sentences) - 1
    assert sum(scores) / len(scores) > 1.5


def test_function_word_ratio_counts_prepositions():
    assert (
        function_word_ratio("Dropout randomly drops neurons during training to reduce overfitting")
        > 0.2
    )
    assert function_word_ratio("SSD haar cascade benchmark loss") == 0.0


def test_a_short_answer_is_held_to_a_lower_word_order_bar():
    """A terse answer's mean order score varies more than a long one's: 1.2 reads as English
    in 20 words, as a scramble in 30."""
    from grader.scoring import SCRAMBLED_ANSWER, SCRAMBLED_SHORT_ANSWER, _scrambled_order

    between = (SCRAMBLED_SHORT_ANSWER + SCRAMBLED_ANSWER) / 2
    short = ["one two three four five six seven eight nine ten"] * 2
    long = short + ["one two three four five six seven eight nine ten"]
    assert not _scrambled_order(short, [between, between])
    assert _scrambled_order(long, [between, between, between])
    assert _scrambled_order(short, [SCRAMBLED_SHORT_ANSWER - 0.1] * 2)


PUNCTUATED = [
    "Min-max scaling maps a feature into 0 to 1, but it is sensitive to outliers, which "
    "stretch the range.",
    "Sigmoid squashes its input into (0, 1), while tanh maps it into (-1, 1), so tanh is "
    "zero-centred.",
    "ReLU, max(0, x), is cheap and does not saturate for positive inputs, though units can die.",
    "Batch gradient descent is stable and exact, but each update needs the whole dataset, so it "
    "is slow.",
]


def test_punctuation_that_moves_with_its_words_gives_a_scramble_no_lift():
    # A scrambled piece such as "outliers," keeps its comma after a noun, where commas belong;
    # compared with shuffles that leave the commas in place it looked ordered (above 1 in a
    # third of cases). Compared with shuffles of whole pieces it is one shuffle among others.
    model = default_model()
    scrambled = [model.order_score(shuffled(s, seed)) for s in PUNCTUATED for seed in range(10)]
    real = [model.order_score(s) for s in PUNCTUATED]
    assert min(real) > 1.0
    assert sum(scrambled) / len(scrambled) < 0.5
    assert sum(score > 1.0 for score in scrambled) <= len(scrambled) // 4
