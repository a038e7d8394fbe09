"""`grader validate --strict`: the lint of a valid bank's keyword side."""

from __future__ import annotations

from typer.testing import CliRunner

from grader.bank import DEFAULT_BANK, load_bank
from grader.cli.commands import app
from grader.lint import denials, lint_bank
from tests.factories import write

QUESTION = """\
id: propagation
level: fresher
topic: training
question: What are forward and back propagation?
references:
  - The forward pass computes each layer's activations; backpropagation applies the chain rule.
"""
BROKEN_RUBRIC = """\
question_id: propagation
key_points:
  - id: forward-pass
    statement: The forward pass computes the activations of each layer in turn.
    synonyms: [layer by layer, weighted sum, weighted sums, forward propagation]
  - id: chain-rule
    statement: Backpropagation applies the chain rule to get every weight's gradient.
    synonyms: [chain rule]
    acronyms: {BP: backpropagation}
  - id: update
    statement: Gradient descent updates the weights.
    synonyms: [update the weights, chain rule]
    acronyms: {BP: batch processing}
misconceptions:
  - id: data-backwards
    statement: Backpropagation feeds the input data backwards through the network.
    patterns: ['feeds the input data backwards']
  - id: guarded
    statement: Backpropagation guarantees that the model generalises.
    patterns: ['(?<!not )(?<!n.t )(?<!never )\\bguarantees? that the model generali[sz]es']
"""
CLEAN_RUBRIC = """\
question_id: propagation
key_points:
  - id: forward-pass
    statement: The forward pass computes the activations of each layer in turn.
    synonyms: [weighted sum, activations of each layer]
  - id: chain-rule
    statement: Backpropagation applies the chain rule to get every weight's gradient.
    synonyms: [chain rule]
    acronyms: {BPTT: backpropagation through time}
misconceptions:
  - id: data-backwards
    statement: Backpropagation feeds the input data backwards through the network.
    patterns: ['(?<!not )(?<!n.t )(?<!never )\\bfeeds the input data backwards']
"""


def make_bank(root, rubric):
    write(root, "reference_answers/propagation.yaml", QUESTION)
    write(root, "rubrics/propagation.yaml", rubric)
    return root


def validate(*args):
    return CliRunner().invoke(app, ["validate", *args], catch_exceptions=False)


def test_strict_reports_each_mechanical_problem_with_file_line_and_field(tmp_path):
    root = make_bank(tmp_path, BROKEN_RUBRIC)
    assert validate("--bank", str(root)).exit_code == 0  # the schema is fine
    result = validate("--bank", str(root), "--strict")
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if "rubrics/propagation.yaml" in line]
    where = str(root / "rubrics" / "propagation.yaml")
    expected = [
        (5, "key_points.0.synonyms.0", "reduces to the common stem 'layer'"),
        (5, "key_points.0.synonyms.2", "duplicate synonym: 'weighted sum' says the same"),
        (5, "key_points.0.synonyms.3", "only restates the question"),
        (12, "key_points.2.synonyms.1", "duplicate synonym: 'chain rule' of point chain-rule"),
        (9, "key_points.1.acronyms.BP", "acronym BP is also declared by update"),
        (13, "key_points.2.acronyms.BP", "acronym BP is also declared by chain-rule"),
        (17, "misconceptions.0.patterns.0", "also matches a denial of the claim"),
    ]
    for line, field, words in expected:
        assert any(
            text.startswith(f"{where}:{line}: {field}: ") and words in text for text in lines
        ), (line, field, words, lines)
    assert len(lines) == len(expected), lines
    assert "7 problem(s) found" in result.output


def test_an_acronym_that_cannot_match_its_point_is_reported(tmp_path):
    # "C++" ends in no word character, so it is never found as a whole word.
    rubric = CLEAN_RUBRIC.replace(
        "acronyms: {BPTT: backpropagation through time}", "acronyms: {C++: cplusplus}"
    )
    result = validate("--bank", str(make_bank(tmp_path, rubric)), "--strict")
    assert result.exit_code == 1
    assert (
        "key_points.1.acronyms.C++: acronym C++ (cplusplus) cannot match its own point: "
        "'We use C++ here.'"
    ) in result.output


def test_a_clean_rubric_passes_strict(tmp_path):
    result = validate("--bank", str(make_bank(tmp_path, CLEAN_RUBRIC)), "--strict")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("OK:")


def test_strict_help_says_what_it_checks():
    output = CliRunner().invoke(app, ["validate", "--help"]).output
    text = " ".join(output.replace("\u2502", " ").split())
    for words in ("common", "restates the question", "duplicate", "acronym", "denial"):
        assert words in text


def test_denials_negate_the_main_verb_or_auxiliary():
    assert "Dropout does not stay active at inference." in denials(
        "Dropout stays active at inference."
    )
    assert "Dropout never stays active at inference." in denials(
        "Dropout stays active at inference."
    )
    assert "A tensor is not always a matrix." in denials("A tensor is always a matrix.")
    assert "A tensor isn't always a matrix." in denials("A tensor is always a matrix.")
    assert "More layers do not always improve accuracy." in denials(
        "More layers always improve accuracy."
    )
    assert denials("A high learning rate never diverges.") == []  # already a denial


def test_builtin_bank_is_strict_clean():
    problems = lint_bank(load_bank(DEFAULT_BANK))
    assert not problems, "\n".join(map(str, problems))
