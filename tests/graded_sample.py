"""A small human-graded file written for the tests: 4 questions, 40 answers, scores 0-5."""

from __future__ import annotations

import csv
import io

QUESTIONS = {
    "dropout": (
        "What is dropout and why does it help?",
        "Dropout randomly switches off a fraction of the neurons at each training step, so the "
        "network cannot rely on any single unit; this reduces overfitting.",
    ),
    "learning-rate": (
        "What happens if the learning rate is too high or too low?",
        "Too high and the updates overshoot the minimum so the loss oscillates or diverges; too "
        "low and training is very slow or gets stuck.",
    ),
    "relu": (
        "Why is ReLU a popular activation function?",
        "ReLU is cheap to compute and does not saturate for positive inputs, so gradients do "
        "not vanish and deep networks train faster.",
    ),
    "batch-norm": (
        "What does batch normalisation do?",
        "Batch normalisation normalises each layer's inputs over the mini-batch to zero mean "
        "and unit variance, then scales and shifts them, which stabilises and speeds training.",
    ),
}

ANSWERS = {
    "dropout": [
        (
            "It drops random neurons during training so the net cannot depend on one unit, which "
            "reduces overfitting.",
            5,
        ),
        ("Randomly turning off units while training; it is a regulariser against overfitting.", 5),
        ("Dropout sets some activations to zero at random in training to avoid overfitting.", 4.5),
        ("It removes neurons randomly so the model generalises better.", 4),
        ("Dropout is a regularisation method.", 3),
        ("It makes the network smaller.", 2),
        ("Dropout removes bad training examples from the data set.", 1),
        ("It is when the learning rate drops during training.", 0.5),
        ("Dropout speeds up inference by deleting layers forever.", 0),
        ("I am not sure what dropout is.", 0),
    ],
    "learning-rate": [
        (
            "If it is too high the loss diverges or oscillates, and if it is too low training "
            "crawls or gets stuck.",
            5,
        ),
        ("Too large a step overshoots the minimum; too small a step converges very slowly.", 5),
        ("A high rate makes the loss jump around; a low one makes training slow.", 4.5),
        ("Too high is unstable, too low is slow.", 4),
        ("Too high can make the training diverge.", 3),
        ("It changes how fast the model learns.", 2),
        ("A high learning rate always gives a better model.", 0.5),
        ("A low learning rate makes the loss explode.", 0),
        ("The learning rate is the number of layers.", 0),
        ("Nothing happens, it does not matter.", 0),
    ],
    "relu": [
        (
            "ReLU is cheap and does not saturate for positive values, so gradients do not vanish "
            "and training is fast.",
            5,
        ),
        (
            "It avoids vanishing gradients because its slope is 1 for positive inputs and it is "
            "fast to compute.",
            5,
        ),
        ("It is simple to compute and helps deep networks train quickly.", 4),
        ("It reduces the vanishing gradient problem.", 4),
        ("It is non-linear.", 2.5),
        ("Because it is popular in papers.", 1),
        ("It squashes outputs between 0 and 1 like a probability.", 0.5),
        ("ReLU saturates for large inputs so gradients vanish.", 0),
        ("It is a kind of loss function.", 0),
        ("It is used for images only.", 0),
    ],
    "batch-norm": [
        (
            "It normalises layer inputs over the batch to zero mean and unit variance and then "
            "learns a scale and shift; training becomes more stable and faster.",
            5,
        ),
        (
            "Each mini-batch's activations are standardised, then rescaled by learned parameters, "
            "which speeds up training.",
            5,
        ),
        ("It normalises activations within a batch so training is more stable.", 4),
        ("It standardises the inputs of layers.", 3.5),
        ("It makes training faster.", 2),
        ("It normalises the data set once before training.", 1.5),
        ("It changes the batch size during training.", 0.5),
        ("It removes outliers from the batch.", 0.5),
        ("It is the same as dropout.", 0),
        ("No idea.", 0),
    ],
}

COLUMNS = ["question_id", "question", "reference_answer", "answer", "score", "max_score"]


def graded_csv(max_score: float = 5.0, binary: bool = False) -> str:
    """The sample as CSV text; `binary` turns scores into 1 (>= 3.5) or 0 on a 0-1 scale."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for qid, answers in ANSWERS.items():
        question, reference = QUESTIONS[qid]
        for answer, score in answers:
            if binary:
                writer.writerow([qid, question, reference, answer, int(score >= 3.5), 1])
            else:
                writer.writerow([qid, question, reference, answer, score, max_score])
    return buffer.getvalue()
