from grader.lexicon import Lexicon
from grader.models import KeyPoint
from grader.text import (
    content_stems,
    expand_acronyms,
    polarity_flipped,
    split_sentences,
)


def test_sentences_split_on_stops_bullets_and_semicolons():
    text = "Dropout drops units. It regularises; it is cheap.\n- bullet one\n* bullet two e.g. this"
    assert split_sentences(text) == [
        "Dropout drops units.",
        "It regularises",
        "it is cheap.",
        "bullet one",
        "bullet two e.g. this",
    ]


def test_spelling_variants_share_stems():
    assert content_stems("batch normalisation") == content_stems("batch normalization")


def test_phrases_match_by_stem_order_and_small_typos():
    points = [
        KeyPoint(id="step", statement="The step size.", synonyms=["step size"]),
        KeyPoint(id="bn", statement="Normalise.", synonyms=["batch normalization"]),
        KeyPoint(id="div", statement="It diverges.", synonyms=["diverge"], patterns=["blows? up"]),
        KeyPoint(
            id="lr", statement="Rate.", synonyms=["learning rate"], acronyms={"LR": "learning rate"}
        ),
    ]
    found = Lexicon(points).match(
        [
            "the size of each step",
            "we add batch normalisaton layers",
            "it will converge",
            "the loss blows up",
            "a big LR",
        ]
    )
    assert found.tolist() == [
        [True, False, False, False],
        [False, True, False, False],
        [False, False, False, False],
        [False, False, True, False],
        [False, False, False, True],
    ]


def test_acronyms_expand_as_whole_words():
    text = expand_acronyms("BN helps; BNs too, but not ABN", {"BN": "batch normalisation"})
    assert text.count("batch normalisation") == 2
    assert "ABN (" not in text


def test_negation_and_antonyms_flip_a_claim():
    claim = "A learning rate that is too high overshoots the minimum and diverges."
    assert polarity_flipped(
        "A too high learning rate does not overshoot and never diverges.", claim
    )
    assert polarity_flipped("A learning rate that is too low overshoots and diverges.", claim)
    assert not polarity_flipped("Set it too high and it overshoots, so the loss diverges.", claim)
