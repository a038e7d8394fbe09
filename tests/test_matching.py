"""Question matching: the guide's own wordings, short forms, aliases, and refusals."""

from __future__ import annotations

import dataclasses

import pytest

from grader.bank import bank_from_questions
from grader.matching import NoMatch, QuestionMatcher, quote

# Every free-text question as the guide (shared/seed) words it, with its bank id.
GUIDE = {
    "Explain the different types of activation functions.": "activation-functions-types",
    "Differentiate between Deep Learning and Machine Learning.": (
        "deep-learning-vs-machine-learning"
    ),
    "What do you know about Dropout?": "dropout",
    "Mention the applications of autoencoders.": "autoencoder-applications",
    "What are autoencoders? Explain the different layers of autoencoders.": "autoencoder-layers",
    "What exactly do you mean by exploding and vanishing gradients?": (
        "vanishing-exploding-gradients"
    ),
    "How does Recurrent Neural Network backpropagation vary from Artificial Neural Network "
    "backpropagation?": "rnn-backpropagation-through-time",
    "Differentiate between bias and variance in the context of deep learning models. How can "
    "you achieve balance between the two?": "bias-variance-tradeoff",
    "According to you, which one is more powerful - a two layer neural network without any "
    "activation function or a two layer decision tree?": "linear-network-vs-decision-tree",
    "Can a deep learning model be solely built on linear regression?": "deep-linear-model",
    "While building a neural network architecture, how will you decide how many neurons and the "
    "hidden layers should the neural network have?": "choosing-network-size",
    "What is Deep Learning?": "what-is-deep-learning",
    "What are the Applications of deep learning?": "deep-learning-applications",
    "What are Neural Networks?": "what-is-a-neural-network",
    "What are the advantages of neural networks?": "neural-network-advantages",
    "What are the disadvantages of neural networks?": "neural-network-disadvantages",
    "Explain learning rate in the context of neural network models. What happens if the "
    "learning rate is too high or too low?": "learning-rate",
    "Explain what a deep neural network is.": "deep-neural-network",
    "What are the different types of deep neural networks?": "types-of-deep-neural-networks",
    "What do you mean by end-to-end learning?": "end-to-end-learning",
    "What do you understand about gradient clipping in the context of deep learning?": (
        "gradient-clipping"
    ),
    "Explain Forward and Back Propagation in the context of deep learning.": (
        "forward-and-back-propagation"
    ),
    "Explain Data Normalisation. What is the need for it?": "data-normalisation",
    "What are the different techniques to achieve data normalization?": (
        "data-normalisation-techniques"
    ),
    "What do you mean by hyperparameters in the context of deep learning?": "hyperparameters",
    "Difference between multi-class and multi-label classification problems.": (
        "multi-class-vs-multi-label"
    ),
    "Explain transfer learning in the context of deep learning.": "transfer-learning",
    "What are the advantages of transfer learning?": "transfer-learning-advantages",
    "Is it possible to train a neural network model by setting all biases to 0? Also, is it "
    "possible to train a neural network model by setting all of the weights to 0?": (
        "zero-initialisation"
    ),
    "What is a tensor in deep learning?": "tensor",
    "Explain the difference between a shallow network and a deep network.": (
        "shallow-vs-deep-network"
    ),
    "In a Convolutional Neural Network (CNN), how can you fix the constant validation "
    "accuracy?": "constant-validation-accuracy",
    "Explain Batch Gradient Descent.": "batch-gradient-descent",
    "Explain Stochastic Gradient Descent. How is it different from Batch Gradient Descent?": (
        "stochastic-gradient-descent"
    ),
    "Which deep learning algorithm is the best for face detection?": "face-detection",
    "What is an activation function? What is the use of an activation function?": (
        "activation-function"
    ),
    "What do you mean by an epochs in the context of deep learning?": "epoch",
}

SHORT_FORMS = {
    "What is dropout?": "dropout",
    "What is a tensor?": "tensor",
    "Explain the vanishing gradient problem.": "vanishing-exploding-gradients",
    "what is an epoch": "epoch",
    "What is a neural network?": "what-is-a-neural-network",
    "Whats a learning rate": "learning-rate",
    "What is transfer learning?": "transfer-learning",
    "What is dropuot?": "dropout",  # a typo
    "What are hyperparameters?": "hyperparameters",
}


@pytest.fixture(scope="module")
def matcher(bank):
    return QuestionMatcher(bank)


def test_every_guide_wording_matches_its_question(matcher):
    found = {text: matcher.match(text).question_id for text in GUIDE}
    assert found == GUIDE


@pytest.mark.parametrize(("text", "qid"), SHORT_FORMS.items())
def test_short_forms_match(matcher, text, qid):
    match = matcher.match(text)
    assert match.question_id == qid and match.how == "fuzzy"


def test_same_text_is_an_exact_match(matcher):
    match = matcher.match("  what IS a tensor in deep learning ")
    assert (match.question_id, match.how, match.score) == ("tensor", "text", 1.0)


@pytest.mark.parametrize(
    "text",
    [
        "What is the airspeed of an unladen swallow?",
        "What is the meaning of life?",
        "What is a matrix?",
        "What is overfitting?",
        "What is batch normalisation?",
    ],
)
def test_unrelated_questions_never_match(matcher, text):
    with pytest.raises(NoMatch) as caught:
        matcher.match(text)
    assert quote(text) in str(caught.value)


def test_ambiguous_match_names_the_three_closest_with_ids(matcher):
    with pytest.raises(NoMatch) as caught:
        matcher.match("Explain gradient descent")
    message = str(caught.value)
    assert "more than one bank question" in message
    assert "batch-gradient-descent “Explain Batch Gradient Descent.”" in message
    assert "stochastic-gradient-descent" in message and message.count("(0.") == 3


def test_aliases_are_matched_like_the_question(bank):
    with pytest.raises(NoMatch):
        QuestionMatcher(bank).match("Why do we randomly silence neurons?")
    questions = [
        dataclasses.replace(q, aliases=["Why do we randomly silence neurons?"])
        if q.id == "dropout"
        else q
        for q in bank.questions.values()
    ]
    match = QuestionMatcher(bank_from_questions(questions)).match(
        "why do we randomly silence neurons"
    )
    assert (match.question_id, match.how) == ("dropout", "alias")


def test_aliases_are_read_from_bank_files(tmp_path):
    from grader.bank import check_bank
    from tests.factories import write

    write(
        tmp_path,
        "reference_answers/q.yaml",
        "id: drop\nlevel: fresher\ntopic: regularisation\ntype: choice\n"
        "question: What is dropout?\naliases: [Why silence neurons?]\n"
        "options: {a: one, b: two}\nanswer: a\n",
    )
    loaded, problems = check_bank(tmp_path)
    assert problems == [] and loaded.questions["drop"].aliases == ["Why silence neurons?"]


@pytest.mark.parametrize("width", [10, 25, 40])
def test_quote_cuts_at_a_word_with_an_ellipsis(width):
    text = "Explain learning rate in the context of neural network models."
    quoted = quote(text, width)
    inner = quoted.strip("“”")
    assert inner.endswith("…") and len(inner) <= width + 1
    assert text.startswith(inner[:-1]) and text[len(inner) - 1] == " "
    assert quote("What is dropout?") == "“What is dropout?”"
