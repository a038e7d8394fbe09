from grader.lexicon import Lexicon
from grader.models import KeyPoint
from grader.text import (
    content_stems,
    expand_acronyms,
    normalise,
    polarity_flipped,
    split_sentences,
    words,
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


def test_compounds_meet_however_they_are_written():
    for forms in (
        ["non-linear", "non linear", "nonlinear", "Non\u2011linear"],
        ["mini-batch", "mini batch", "minibatch"],
        ["pre-trained", "pre trained", "pretrained"],
        ["multi-class", "multi class", "multiclass"],
        ["co-adapt", "co adapt", "coadapt"],
        ["hyper-parameter", "hyper parameter", "hyperparameter"],
        ["over-fitting", "over fitting", "overfitting"],
        ["re-use", "reuse"],
        ["self-attention", "self attention"],
        ["cross-entropy", "cross entropy"],
    ):
        assert len({normalise(f) for f in forms}) == 1, forms
    # A prefix that is also a word joins only across a hyphen, and never a function word.
    assert normalise("over time") == "over time"
    assert normalise("re use") == "re use"
    assert normalise("pre- and post-processing").split() == ["pre", "and", "post", "processing"]
    assert content_stems("mini-batches") == content_stems("minibatch")
    assert "linear" not in content_stems("a non-linear function")
    # A dash between clauses separates words; it does not glue them.
    assert words("ReLU\u2014the default\u2014works") == ["relu", "the", "default", "works"]


def test_rubric_phrases_and_sentences_normalise_compounds_alike():
    point = KeyPoint(id="nl", statement="Non-linear.", synonyms=["non-linearity"])
    other = KeyPoint(id="lin", statement="Linear.", synonyms=["linear"])
    found = Lexicon([point, other]).match(
        ["ReLU adds nonlinearity", "it is non linear", "a linear map"]
    )
    assert found.tolist() == [[True, False], [True, False], [False, True]]


def test_acronyms_and_expansions_state_their_own_point():
    relu = KeyPoint(
        id="relu", statement="ReLU is the default.", acronyms={"ReLU": "rectified linear unit"}
    )
    lr = KeyPoint(
        id="lr", statement="Tune it.", synonyms=["tune"], acronyms={"LR": "learning rate"}
    )
    found = Lexicon([relu, lr]).match(
        [
            "Use ReLU in hidden layers",
            "use relu",
            "RELUS are cheap",
            "a rectified linear unit",
            "the LR matters",
            "the lr matters",  # two letters: only as written
        ]
    )
    assert found[:, 0].tolist() == [True, True, True, True, False, False]
    assert found[:, 1].tolist() == [False, False, False, False, True, False]


def test_capitalised_stop_words_in_synonyms_are_names():
    he = KeyPoint(id="he", statement="He init.", synonyms=["He initialisation"])
    found = Lexicon([he]).match(["use He initialization", "careful initialisation matters"])
    assert found[:, 0].tolist() == [True, False]


def test_a_phrase_with_a_denial_is_stated_by_any_plain_denial():
    rule = KeyPoint(id="no-rule", statement="No rule fixes it.", synonyms=["no exact rule"])
    found = Lexicon([rule]).match(
        [
            "There is not exact rule for this.",
            "There isn't any exact rule.",
            "Never an exact rule.",
            "An exact rule exists.",  # the words, undenied
            "It barely follows an exact rule.",  # a hedge, not a plain denial
        ]
    )
    assert found[:, 0].tolist() == [True, True, True, False, False]


def test_a_hyphenated_free_is_without():
    claim = "A two-layer network without activations is just a linear model."
    assert not polarity_flipped("The activation-free network is just a linear model.", claim)
    assert polarity_flipped("The network with activations is just a linear model.", claim)


def test_an_adjective_in_able_is_not_the_verb_it_comes_from():
    claim = "Candidate sizes are compared on validation performance."
    assert not polarity_flipped("Networks of different sizes are judged on validation.", claim)
    assert polarity_flipped(
        "The features have very different ranges.", "Features lie on a comparable scale."
    )


def test_instead_of_sets_aside_what_follows_without_denying_the_claim():
    features = "Networks learn features from raw inputs, which cuts down on manual engineering."
    assert not polarity_flipped("Learned representations instead of manual features.", features)
    assert polarity_flipped("Networks need manual feature engineering.", features)
    # A statement that sets something aside still affirms its claim: a sentence that denies
    # the claim's subject flips it.
    nonlinear = (
        "The activation function introduces nonlinearity, letting the network model complex "
        "nonlinear relationships instead of a purely linear mapping."
    )
    assert polarity_flipped(
        "Networks without activations can learn far more complex patterns than those with them.",
        nonlinear,
    )
