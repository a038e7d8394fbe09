"""What a sentence asserts: clauses, denials, contrasts, reported beliefs and swapped roles.

Pure text rules: no model is loaded here.
"""

from __future__ import annotations

import pytest

from grader.claims import (
    Side,
    asserted_words,
    asserts,
    clauses,
    contradicts,
    negate,
    negation_count,
    roles_agree,
    roles_swapped,
)
from grader.text import content_stems

CLIPPING = "Gradient clipping fixes the vanishing gradient problem."
CLIPPING_TOPIC = frozenset(content_stems("What is gradient clipping?"))


def roles(sentence: str) -> list[tuple[str, str]]:
    return [(c.role, c.text.strip(" ,")) for c in clauses(sentence)]


def test_contrast_and_concession_clauses_end_at_their_comma():
    assert roles("Unlike decision trees, which are easy to read, networks are black boxes.") == [
        ("contrast", "Unlike decision trees"),
        ("contrast", "which are easy to read"),
        ("main", "networks are black boxes."),
    ]
    assert roles("The error, not the input, flows backwards.")[1] == ("contrast", "not the input")
    assert roles("Even if it is wide, one hidden layer is shallow.")[0][0] == "concession"
    assert roles("They are equal only when the batch is everything.")[1][0] == "condition"


def test_a_temporal_while_does_not_open_a_clause():
    assert len(clauses("While training you randomly zero out half the units.")) == 1


@pytest.mark.parametrize(
    "sentence",
    [
        "Clipping does nothing for vanishing gradients.",
        "It is not meant to fix the vanishing gradient problem.",
        "Clipping only handles exploding gradients, while residual connections fix vanishing ones.",
        "People often think clipping fixes vanishing gradients, but it does not.",
        "A common misconception is that clipping fixes vanishing gradients.",
        "Rather than fixing vanishing gradients, clipping caps exploding ones.",
    ],
)
def test_denials_contrasts_and_reported_beliefs_assert_nothing(sentence):
    assert not asserts(sentence, CLIPPING, topic=CLIPPING_TOPIC)


@pytest.mark.parametrize(
    "sentence",
    [
        "Clipping fixes vanishing gradients.",
        "Gradient clipping is how you fix the vanishing gradient problem.",
        "It fixes vanishing gradients by pushing small gradients up.",
    ],
)
def test_a_plain_statement_asserts_the_claim(sentence):
    assert asserts(sentence, CLIPPING, topic=CLIPPING_TOPIC)


def test_a_pattern_match_counts_only_inside_one_asserting_clause():
    sentence = "Clipping does nothing for vanishing gradients; ReLU helps fix vanishing gradients."
    start = sentence.index("fix vanishing")
    # The match sits in a clause whose subject is something else (ReLU).
    assert not asserts(sentence, CLIPPING, (start, start + 13), CLIPPING_TOPIC)
    across = (sentence.index("Clipping"), len(sentence))
    assert not asserts(sentence, CLIPPING, across, CLIPPING_TOPIC)


def test_not_only_and_not_alone_affirm():
    assert negation_count("It is not only fast but also stable.") == 0
    assert negation_count("An RNN is not trained with backpropagation alone.") == 0
    assert negation_count("It never converges and does not stop.") == 2


def test_a_claim_is_read_up_to_its_relative_clause():
    claim = "Stacking linear layers learns patterns that one linear layer cannot."
    assert asserts("Stacking linear layers learns non-linear patterns.", claim)


def test_negate_builds_the_plain_denial():
    assert (
        negate("Dropout stays active at inference.")
        == "It is not true that dropout stays active at inference."
    )
    assert negate("A tensor is always a matrix.") == "A tensor is not always a matrix"
    assert (
        negate("Clipping fixes the vanishing gradient.")
        == "Clipping does not fix the vanishing gradient"
    )


SHALLOW_DEEP = ((Side.parse("shallow"), Side.parse("deep")),)
LAYERS = "A shallow network has one hidden layer, while a deep network has many hidden layers."
LABELS = ((Side.parse("multi-class|multiclass"), Side.parse("multi-label|multilabel")),)
SEVERAL = "In multi-label classification one example can carry several labels at once."


@pytest.mark.parametrize(
    ("sentence", "statement", "pairs", "swapped"),
    [
        (
            "A shallow network has many hidden layers and a deep one has a single layer.",
            LAYERS,
            SHALLOW_DEEP,
            True,
        ),
        (
            "A shallow network has many layers, while a deep one has a single layer.",
            LAYERS,
            SHALLOW_DEEP,
            True,
        ),
        (
            "A shallow net has a single hidden layer; a deep one has several.",
            LAYERS,
            SHALLOW_DEEP,
            False,
        ),
        ("Multi-class problems have multiple labels for each example.", SEVERAL, LABELS, True),
        ("Multi-label problems have multiple labels for each example.", SEVERAL, LABELS, False),
        (
            "In multi-class each example has one class, while multi-label allows several labels.",
            SEVERAL,
            LABELS,
            False,
        ),
        (  # "one" standing for a network is no count of layers
            "A shallow network is one with many hidden layers, and a deep one has a single layer.",
            LAYERS,
            SHALLOW_DEEP,
            True,
        ),
        (  # "it" goes on speaking of the deep network; "shallow" is only mentioned
            "A deep network has many hidden layers; it learns features that a shallow one cannot.",
            LAYERS,
            SHALLOW_DEEP,
            False,
        ),
    ],
)
def test_swapped_roles_are_found_by_what_each_side_is_said_to_be(
    sentence, statement, pairs, swapped
):
    assert roles_swapped(sentence, statement, pairs) is swapped


RATE = ((Side.parse("too high|high|large"), Side.parse("too low|low|small")),)
TOO_LOW = "A learning rate that is too low makes training converge very slowly."
TOO_HIGH = "A learning rate that is too high overshoots the minimum, so the loss diverges."
BIAS_WEIGHT = ((Side.parse("bias|biases"), Side.parse("weight|weights")),)
BIASES_FINE = "Zero biases are fine, because the random weights already break the symmetry."
TOPIC = frozenset({"learn", "rate"})  # the question's words, as the scorer hands them over


@pytest.mark.parametrize(
    ("sentence", "statement", "pairs", "swapped"),
    [
        (  # parts set off by commas each speak of the side that opens them
            "Too high overshoots and diverges, too low converges very slowly.",
            TOO_LOW,
            RATE,
            False,
        ),
        ("Too high converges slowly, too low overshoots and diverges.", TOO_LOW, RATE, True),
        (  # "slowly" and "slow" say the same; "too low" names a side, it is no quantity
            "A high learning rate makes training slow, while a very low one makes it diverge.",
            TOO_LOW,
            RATE,
            True,
        ),
        (  # "when it is too high": the side is said of "it", not only mentioned
            "When the rate is too low the loss diverges, and when it is too high training is slow.",
            TOO_LOW,
            RATE,
            True,
        ),
        (  # a last part speaks of the side it names, even at its end
            "A small rate means slow training, a large rate means the loss diverges.",
            TOO_LOW,
            RATE,
            False,
        ),
        (  # "because" opens a statement about the other side
            "All biases can be zero, it is no problem because weights are random and break "
            "symmetry.",
            BIASES_FINE,
            BIAS_WEIGHT,
            False,
        ),
        (  # a bare keyword item is not a statement of its own
            "weights, bias, zero, symmetry, random",
            BIASES_FINE,
            BIAS_WEIGHT,
            False,
        ),
    ],
)
def test_the_parts_of_a_sentence_speak_of_the_side_they_name(sentence, statement, pairs, swapped):
    assert roles_swapped(sentence, statement, pairs, TOPIC) is swapped


def test_a_points_other_phrasings_say_more_of_its_side():
    # "jump around and blow up" shares no word with "overshoots ... diverges", but the key
    # point's synonyms have "blows up": said of the small rate, the roles are swapped.
    sentence = "A small learning rate makes the loss jump around and blow up."
    assert not roles_swapped(sentence, TOO_HIGH, RATE, TOPIC)
    assert roles_swapped(sentence, TOO_HIGH, RATE, TOPIC, ("loss blows up", "bounces around"))


def test_a_side_is_named_by_a_whole_phrase():
    batch = Side.parse("batch gradient descent|batch GD")
    assert batch.first("The gradient is averaged over the data.") is None
    assert batch.first("Unlike SGD, batch gradient descent waits.") == 2


@pytest.mark.parametrize(
    ("sentence", "statement"),
    [
        ("Dropout increases overfitting.", "Dropout reduces overfitting."),
        ("Batch gradient descent converges slower.", "Batch gradient descent converges faster."),
        (
            "A high learning rate makes training stable.",
            "A low learning rate makes training stable.",
        ),
        ("A linear model can represent XOR.", "A linear model cannot represent XOR."),
        ("Too high a rate does not overshoot and never diverges.", "Too high a rate overshoots."),
        (
            "High bias comes from a model that is too complex.",
            "High bias comes from a too simple model.",
        ),
        (
            "Pooling layers remove translation invariance.",
            "Pooling layers introduce translation invariance.",
        ),
    ],
)
def test_a_negation_or_antonym_of_the_point_contradicts_it(sentence, statement):
    assert contradicts(sentence, statement)


@pytest.mark.parametrize(
    ("sentence", "statement"),
    [
        # Two denials in other words.
        (
            "There is no exact rule for the number of neurons.",
            "There is no formula and no magic number for the layers and neurons.",
        ),
        # A denial reaches only its own clause.
        (
            "Biases at zero: yes, no issue, since random weights break the symmetry.",
            "Zero biases are fine because the random weights already break the symmetry.",
        ),
        # "Almost no gradient" is a small one; "barely" denies as "not" does.
        (
            "Early layers get almost no gradient, so they barely learn.",
            "Vanishing gradients become tiny in the early layers, which barely learn.",
        ),
        # "Cuts down on" says what "no need for" says.
        (
            "They extract features from raw data, so there is no need for feature engineering.",
            "Networks learn features from raw inputs, which cuts down on feature engineering.",
        ),
        # What a point says "instead of" is not what it asserts.
        (
            "The activation makes the network nonlinear.",
            "It introduces nonlinearity instead of a purely linear mapping.",
        ),
        # "No feature dominates" denies the dominating, not the features.
        (
            "After scaling, no feature outweighs the others merely because of its units.",
            "Every feature then has a comparable weight in distances and gradients.",
        ),
        # What would happen otherwise is the case without, not a denial.
        (
            "Features in metres and in millimetres would otherwise be on wildly different scales.",
            "Features are brought onto comparable scales.",
        ),
        # Against a statement that denies, only affirming what it denies flips it.
        (
            "I tune the number of units like any other hyperparameter.",
            "There is no recipe and no fixed number of units: it is tuned by experiment.",
        ),
    ],
)
def test_the_same_claim_in_other_words_is_not_contradicted(sentence, statement):
    assert not contradicts(sentence, statement)


def test_a_point_is_contradicted_by_the_opposite_of_what_it_asserts():
    statement = "It introduces nonlinearity instead of a purely linear mapping."
    assert contradicts("It keeps the network linear and removes any curvature.", statement)


@pytest.mark.parametrize(
    ("sentence", "statement", "question", "opposite"),
    [
        # The denial meets the point only in the question's words and denies its own.
        (
            "It does not fix vanishing gradients, only exploding ones.",
            "Gradient clipping guards against exploding gradients.",
            "What is gradient clipping and why is it used?",
            False,
        ),
        # The question's word itself is denied: the claim is.
        (
            "Scalars and vectors are not tensors.",
            "Scalars, vectors and matrices are all tensors.",
            "What is a tensor in deep learning?",
            True,
        ),
        (
            "Networks without activations learn more complex patterns.",
            "Activations let networks learn complex patterns.",
            "What is an activation function?",
            True,
        ),
    ],
)
def test_a_denial_that_meets_the_point_only_in_the_question_words_is_about_else(
    sentence, statement, question, opposite
):
    topic = frozenset(content_stems(question))
    assert contradicts(sentence, statement, topic) is opposite


def test_asserted_words_leave_out_clauses_about_the_other_side():
    pairs = ((Side.parse("softmax"), Side.parse("linear|identity")),)
    claim = "Softmax is used in the output layer of every network, including regression models."
    sentence = (
        "Softmax gives class probabilities, while a linear (identity) output serves regression."
    )
    found = asserted_words(sentence, claim, pairs)
    assert "probabl" in found and "regress" not in found
    # A clause that goes on about the claim's subject counts.
    sentence = "Softmax gives class probabilities, and it is used for regression too."
    assert "regress" in asserted_words(sentence, claim, pairs)


NET_TREE = ((Side.parse("neural network|network"), Side.parse("decision tree|tree")),)
NET_LINEAR = "A two-layer network without activations is just a linear model."


@pytest.mark.parametrize(
    ("sentence", "swapped"),
    [
        # A clause opened by a pronoun goes on speaking of the side named before it.
        ("The decision tree draws one straight boundary, so it is just a linear model.", True),
        # What is denied of a side is not said of it.
        ("A shallow decision tree is not a linear model; its splits are piecewise.", False),
    ],
)
def test_pronouns_go_on_and_denials_say_nothing_of_a_side(sentence, swapped):
    assert roles_swapped(sentence, NET_LINEAR, NET_TREE) is swapped


def test_a_word_of_quantity_is_the_word_not_its_stem():
    # "multiplications" shares the stem of "multiple" but counts nothing.
    pairs = ((Side.parse("vanishing"), Side.parse("exploding")),)
    statement = "Exploding gradients grow very large, so the loss overflows."
    sentence = "Gradients vanish far from the loss, at the end of a chain of multiplications."
    assert not roles_swapped(sentence, statement, pairs, frozenset({"gradient"}))


LAYERS_EARLY_LATE = (
    (
        Side.parse("early layers|first layers"),
        Side.parse("last layers|final layers"),
    ),
)
LATE_GENERAL = (
    "The last layers learn general features such as edges, and the first layers are specific."
)


@pytest.mark.parametrize(
    ("sentence", "agree"),
    [
        (
            "Its final layers hold general features like edges, while its first layers are "
            "specific.",
            True,
        ),
        # "its" before a side belongs to the side's name: the clause speaks of the final layers.
        (
            "Its first layers hold general features like edges, while its final layers are "
            "specific.",
            False,
        ),
        # Speaking of one side only, a sentence cannot agree on both.
        ("The final layers hold general features like edges.", False),
    ],
)
def test_roles_agree_when_each_side_is_said_to_be_what_the_statement_says(sentence, agree):
    assert roles_agree(sentence, LATE_GENERAL, LAYERS_EARLY_LATE) is agree


VANISH_EXPLODE = ((Side.parse("vanishing"), Side.parse("exploding")),)


def test_two_sides_joined_as_one_subject_are_both_spoken_of():
    statement = "Vanishing gradients shrink towards zero until the early layers stop learning."
    sentence = (
        "Vanishing and exploding gradients arise when repeated products shrink the signal "
        "towards zero or blow it up, so the early layers stop learning."
    )
    assert not roles_swapped(sentence, statement, VANISH_EXPLODE)
    # Said of the other side alone, the same words swap the roles.
    swapped = "Exploding gradients shrink towards zero, so the early layers stop learning."
    assert roles_swapped(swapped, statement, VANISH_EXPLODE)


def test_a_consequence_goes_on_speaking_of_the_side_before_it():
    statement = "A learning rate that is too high makes training crawl."
    sentence = "Choose it too small and every step is minute, so training crawls for days."
    assert roles_swapped(sentence, statement, RATE, TOPIC)


def test_a_denied_statement_is_still_contradicted_by_affirming_what_it_denies():
    statement = "There is no recipe and no fixed number of units: it is tuned by experiment."
    assert contradicts("A simple recipe gives the number of units.", statement)


def test_better_and_worse_are_opposites():
    statement = "Pretrained weights are a worse start than random ones."
    assert contradicts("Pretrained weights give a far better start than random ones.", statement)


ALWAYS = "Deeper networks are always more accurate."


@pytest.mark.parametrize(
    ("sentence", "asserted"),
    [
        ("Extra depth helps only up to a point, then accuracy can drop.", False),
        ("Depth usually improves accuracy on large datasets.", False),
        ("A deeper network is always more accurate, as it can fit more.", True),
        ("Deeper networks are more accurate.", True),
    ],
)
def test_a_limited_sentence_does_not_assert_a_universal_claim(sentence, asserted):
    assert asserts(sentence, ALWAYS) is asserted


def test_a_clause_about_another_subject_does_not_speak_for_the_claim():
    claim = "An epoch is one pass over a single mini-batch."
    sentence = (
        "A single mini-batch gives one update, whereas an epoch means the whole training set "
        "has been seen once."
    )
    topic = frozenset({"epoch"})
    found = asserted_words(sentence, claim, topic=topic)
    assert "whole" in found and "minibatch" not in found
    # Without a clause on the claim's own subject, every clause still counts.
    alone = asserted_words("A single mini-batch gives one update.", claim, topic=topic)
    assert "minibatch" in alone


def test_a_claims_subject_is_its_first_word_not_its_verb():
    # "removes" is the claim's verb: a clause about removing rows has another subject.
    claim = "Data normalisation removes duplicate rows from the dataset."
    sentence = "Removing duplicate rows is deduplication, while normalisation means rescaling."
    topic = frozenset({"data", "normal", "need"})
    assert "duplic" not in asserted_words(sentence, claim, topic=topic)


def test_a_pattern_match_running_into_the_other_side_asserts_nothing():
    pairs = ((Side.parse("softmax"), Side.parse("linear|identity")),)
    claim = "Softmax is used at the output of every network, including regression models."
    listed = "ReLU in hidden layers, softmax for class outputs and linear for regression outputs."
    span = (listed.index("softmax"), listed.index("regression") + len("regression"))
    assert not asserts(listed, claim, span, pairs=pairs)
    wrong = "Use softmax for regression outputs too."
    span = (wrong.index("softmax"), wrong.index("regression") + len("regression"))
    assert asserts(wrong, claim, span, pairs=pairs)


def test_a_contrast_in_the_questions_own_words_denies_the_claim():
    claim = "Adding dropout fixes a flat validation curve."
    topic = frozenset({"fix", "flat", "valid", "curv"})
    sentence = "Adding dropout is a way to regularise the network, not a fix for a flat curve."
    assert not asserts(sentence, claim, topic=topic)
    assert asserts("Adding dropout is the usual fix for a flat curve.", claim, topic=topic)


def test_a_clause_after_a_colon_goes_on_explaining_the_subject():
    claim = "An epoch is one pass over a single mini-batch."
    sentence = "An epoch is one update: a single mini-batch goes forward and back once."
    assert "minibatch" in asserted_words(sentence, claim, topic=frozenset({"epoch"}))


def test_the_agent_of_a_passive_is_its_subject():
    claim = "The activation function computes the weighted sum of the inputs."
    topic = frozenset({"activ", "function"})
    by_layer = "The weighted sum is computed by the linear part of the layer."
    assert not asserts(by_layer, claim, topic=topic)
    by_activation = "The weighted sum is computed by the activation function itself."
    assert asserts(by_activation, claim, topic=topic)


def test_alone_and_any_make_a_claim_universal():
    claim = "Depth alone makes a linear model expressive enough for any pattern."
    assert not asserts("Depth only adds expressiveness when activations sit between layers.", claim)
    assert asserts("Depth alone makes the model expressive enough for any pattern.", claim)


def test_a_subject_after_an_opening_phrase_is_the_clauses_own():
    claim = "Deep learning is the better choice for small datasets."
    topic = frozenset({"deep", "learn", "machin"})
    sentence = (
        "For small datasets, classical methods are usually better, while deep learning shines "
        "with lots of data."
    )
    assert "small" not in asserted_words(sentence, claim, topic=topic)


CODER = ((Side.parse("encoder"), Side.parse("decoder")),)


def test_a_relative_clause_speaks_of_the_thing_named_just_before_it():
    statement = "The encoder maps the input to a compressed latent code."
    swapped = (
        "An autoencoder is made of a decoder, which takes the input and compresses it into a "
        "code, and an encoder, which expands that code back to the original size."
    )
    assert roles_swapped(swapped, statement, CODER)
    right = (
        "An autoencoder is made of an encoder, which takes the input and compresses it into a "
        "code, and a decoder, which expands that code back to the original size."
    )
    assert not roles_swapped(right, statement, CODER)
    claim = "The decoder compresses the input into a code."
    start = swapped.index("compresses")
    assert asserts(swapped, claim, (start, start + len("compresses")), pairs=CODER)


def test_a_sentential_which_does_not_take_a_new_subject():
    claim = (
        "Dropout makes a network fit its training data more tightly, which increases overfitting."
    )
    topic = frozenset({"dropout"})
    pairs = ((Side.parse("training"), Side.parse("inference|test time")),)
    sentence = (
        "Dropout is a regulariser: it makes fitting the training data harder, which reduces "
        "overfitting."
    )
    assert not asserts(sentence, claim, topic=topic, pairs=pairs)


def test_brackets_around_numbers_are_a_value_not_an_aside():
    sentence = "Sigmoid squeezes values into (-1, 1) and tanh into (0, 1)."
    assert len(clauses(sentence)) == 1
    assert len(clauses("Sigmoid (the logistic curve) squeezes values.")) == 3


def test_one_crossed_word_holds_back_a_fine_but_does_not_contradict_a_point():
    pairs = (
        (
            Side.parse("stochastic gradient descent|SGD|stochastic"),
            Side.parse("batch gradient descent|batch GD|full-batch"),
        ),
    )
    wrong = "Batch gradient descent is noisier than stochastic gradient descent."
    sentence = (
        "Stochastic gradient descent is the noisier one, whereas batch gradient descent uses "
        "the exact full-data gradient and moves smoothly."
    )
    assert roles_swapped(sentence, wrong, pairs, margin=1)
    assert not roles_swapped(sentence, wrong, pairs)


def test_the_opposite_of_opens_a_contrast():
    sentence = "It outputs cleaner images, the opposite of making clean images noisier."
    assert roles(sentence)[-1] == ("contrast", "the opposite of making clean images noisier.")


def test_a_claim_after_is_that_is_asserted_and_an_echo_does_not_hold_it_back():
    claim = (
        "Standard dropout stays active at inference, so ordinary predictions are made with "
        "neurons randomly removed."
    )
    topic = frozenset(content_stems("What is dropout?"))
    assert asserts(
        "The important point is that it stays active at inference as well, so ordinary "
        "predictions are made with a random subset of neurons removed.",
        claim,
        None,
        topic,
    )
    assert asserts(
        "It stays active at inference, so ordinary predictions are made with neurons removed, "
        "and the network's output is averaged over this randomness.",
        claim,
        None,
        topic,
    )
    assert not asserts(
        "The important point is that it is not active at inference, so ordinary predictions "
        "use every neuron.",
        claim,
        None,
        topic,
    )


def test_a_clause_opening_on_its_verb_keeps_the_subject_and_its_denial_counts():
    cure = (
        "ReLU or ELU removes the vanishing gradient problem entirely, a complete cure for it in "
        "deep networks."
    )
    topic = frozenset(content_stems("Which activation functions are used, and why?"))
    assert not asserts(
        "ReLU and ELU reduce vanishing gradients but don't remove the problem entirely, so deep "
        "networks still rely on good initialisation.",
        cure,
        None,
        topic,
    )
    split = "Splitting the data into training, validation and test sets fixes a constant accuracy."
    topic = frozenset(content_stems("Why is the validation accuracy constant?"))
    assert not asserts(
        "Splitting the data into training, validation and test sets is how you measure the "
        "problem, but the split by itself does not make a stuck accuracy move.",
        split,
        None,
        topic,
    )
