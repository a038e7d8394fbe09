"""The score card: the verdict, each key point with the sentence that covered it, the rest.

Reusable on its own (the interviewer mode shows the same card): give it the question and the
Result. Highlighting a key point in the list highlights its sentence in the answer.
"""

from __future__ import annotations

import gc

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from grader.answers import FLAG_TEXT, picked_option
from grader.models import PointResult, Question, Result
from grader.point_status import STATUS_LOOKS

# A sentence's tint in the answer, by the best thing it did (misconceptions win).
SENTENCE_STYLES = {
    "misconception": "$text-error",
    **{s: STATUS_LOOKS[s].theme_colour for s in ("covered", "partial", "contradicted")},
}
SELECTED_STYLE = "reverse"


def sentence_spans(answer: str, sentences: list[str]) -> list[tuple[int, int]] | None:
    """Where each sentence sits in the answer text, in order; None if one cannot be found.

    Keeping the answer's own layout (line breaks, bullets) reads better than re-joined sentences.
    """
    spans, start = [], 0
    for sentence in sentences:
        at = answer.find(sentence, start)
        if at < 0:
            return None
        spans.append((at, at + len(sentence)))
        start = at + len(sentence)
    return spans


def sentence_roles(result: Result) -> dict[int, str]:
    """What each sentence did: covered / partial / contradicted a point, or stated a mistake."""
    rank = {"covered": 3, "partial": 2, "contradicted": 1}
    roles: dict[int, str] = {}
    for point in result.points:
        i = point.sentence_index
        if i is None or point.status not in rank:
            continue
        if rank[point.status] > rank.get(roles.get(i, ""), 0):
            roles[i] = point.status
    for hit in result.misconceptions:
        roles[hit.sentence_index] = "misconception"
    return roles


def answer_content(result: Result, selected: int | None = None) -> Content:
    """The answer with each sentence tinted by its role and the selected one reversed."""
    roles = sentence_roles(result)
    spans = sentence_spans(result.answer, result.sentences)
    if spans is None:
        text = " ".join(result.sentences)
        spans, at = [], 0
        for sentence in result.sentences:
            spans.append((at, at + len(sentence)))
            at += len(sentence) + 1
    else:
        text = result.answer
    parts: list[tuple[str, str] | str] = []
    cursor = 0
    for i, (start, end) in enumerate(spans):
        parts.append(text[cursor:start])
        style = SENTENCE_STYLES.get(roles.get(i, ""), "")
        if i == selected:
            style = f"{style} {SELECTED_STYLE}".strip()
        parts.append((text[start:end], style))
        cursor = end
    parts.append(text[cursor:])
    return Content.assemble(*parts)


class AnswerView(Static):
    """The graded answer, with the sentences that earned (or lost) points tinted."""

    def __init__(self, result: Result, **kwargs) -> None:
        super().__init__(answer_content(result), **kwargs)
        self.result = result

    def select_sentence(self, index: int | None) -> None:
        """Single out one sentence (None for none)."""
        self.update(answer_content(self.result, index))


def _point_option(point: PointResult, whose: str = "your") -> Option:
    look = STATUS_LOOKS[point.status]
    label = Content.assemble((f"{look.mark} ", look.theme_colour), point.statement)
    if point.status == "partial":
        label = Content.assemble(label, (f" ({look.qualifier})", look.theme_colour))
    elif point.status == "contradicted":
        label = Content.assemble(label, (f" ({whose} answer says the opposite)", "$text-error"))
    return Option(label, id=point.id)


def point_detail(point: PointResult, whose: str = "your") -> Content:
    """One line under the key points: what the answer said about the highlighted one."""
    if point.sentence is None:
        return Content.styled(f"Not found in {whose} answer.", "$text-muted")
    verb = {
        "covered": "Covered by",
        "partial": "Partly covered by",
        "contradicted": "Contradicted by",
    }[point.status]
    return Content.assemble((f"{verb} ", "$text-muted"), f"“{point.sentence}”")


def _choice_options(question: Question, result: Result, whose: str = "your") -> list[Option]:
    picked = _picked(question, result)
    options = []
    for key, text in question.options.items():
        right = key == question.answer
        mark, style = ("✔", "$text-success") if right else ("·", "")
        if key == picked and not right:
            mark, style = "✘", "$text-error"
        suffix = f" ({whose} choice)" if key == picked else ""
        options.append(Option(Content.assemble((f"{mark} {key}) ", style), text, suffix), id=key))
    return options


def _picked(question: Question, result: Result) -> str | None:
    """The option key the scorer read from a choice answer ('b', '(B)', the option's text)."""
    # The scorer's own reading, so the card can never disagree with the grade.
    return picked_option(result.answer, question.options)


def head_content(result: Result) -> Content:
    """'73.4 / 100   pass mark 60   PASS   similarity 0.86 · coverage 62%'."""
    verdict = ("PASS", "bold $text-success") if result.passed else ("FAIL", "bold $text-error")
    parts: list[tuple[str, str] | str] = [
        (f"{result.score:g}", "bold"),
        f" / 100   pass mark {result.pass_mark:g}   ",
        verdict,
    ]
    if result.points:
        parts.append(
            (
                f"   similarity {result.similarity:.2f} · coverage {result.coverage:.0%}",
                "$text-muted",
            )
        )
    return Content.assemble(*parts)


def findings_content(result: Result) -> Content:
    """A borderline verdict's reason, misconceptions stated, gaming flags and the scorer's
    notes, one per line."""
    lines: list[Content] = []
    if result.borderline:
        lines.append(Content.styled(f"◆ {result.borderline}", "bold $text-warning"))
    for hit in result.misconceptions:
        lines.append(
            Content.assemble(
                (f"✘ misconception (−{hit.penalty:g}): ", "bold $text-error"),
                hit.statement,
                (f"\n  “{hit.sentence}”", "$text-muted"),
            )
        )
    for flag in result.flags:
        lines.append(
            Content.assemble((f"⚑ {flag}: ", "bold $text-warning"), FLAG_TEXT.get(flag, flag))
        )
    for note in result.notes:
        lines.append(Content.styled(note, "$text-muted"))
    return Content("\n").join(lines)


JUDGED_LOOKS = {
    "stated": ("✔", "$text-success"),
    "missing": ("✘", "$text-error"),
    "contradicted": ("⇄", "$text-error"),
}


def judge_content(result: Result) -> Content:
    """The LLM judge's section: its score and verdict, review reasons, points, feedback."""
    opinion = result.judge
    if opinion is None:
        return Content("")
    if opinion.error:
        return Content.styled(f"LLM judge: {opinion.error}", "$text-muted")
    assert opinion.score is not None
    head = f"LLM judge ({opinion.model}): {opinion.score:g} / 100, "
    head += "passes" if opinion.passed else "fails"
    if opinion.embedding_score is not None:
        head += f" (the score; the embedding grade was {opinion.embedding_score:g})"
    lines = [Content.styled(head, "bold")]
    if opinion.disagreement:
        lines.append(Content.styled(f"⚠ needs review: {opinion.disagreement}", "$text-warning"))
    for point in opinion.points:
        mark, style = JUDGED_LOOKS[point.status]
        quote = f" “{point.quote}”" if point.quote else ""
        lines.append(Content.assemble((f"{mark} ", style), f"{point.id}", (quote, "$text-muted")))
    lines += [Content.styled(f"✘ misconception {m}", "$text-error") for m in opinion.misconceptions]
    lines.append(Content.styled(opinion.feedback, "italic"))
    return Content("\n").join(lines)


def reference_content(question: Question, result: Result) -> Content:
    """The reference answers (the closest one first), or the right option and why."""
    if question.type == "choice":
        key = question.answer or ""
        return Content.assemble(
            ("Answer: ", "bold"),
            f"{key}) {question.options.get(key, '')}",
            ("\n" + question.explanation if question.explanation else "", ""),
        )
    order = list(range(len(question.references)))
    best = result.best_reference
    if best is not None and best in order:
        order.remove(best)
        order.insert(0, best)
    parts: list[Content] = []
    for n, i in enumerate(order):
        title = "Reference answer" + (" (closest to yours)" if i == best else "")
        if n:
            title = "Another reference"
        parts.append(Content.assemble((title + "\n", "bold"), question.references[i]))
    return Content("\n\n").join(parts)


class ScoreCard(Vertical):
    """The whole explanation of one Result. `reveal_reference()` shows the model answer."""

    def __init__(self, question: Question, result: Result, whose: str = "your", **kwargs) -> None:
        """The card of `result`; `whose` names the answer's author ("your", "the candidate's")."""
        super().__init__(**kwargs)
        self.question = question
        self.result = result
        self.whose = whose

    def compose(self) -> ComposeResult:
        result = self.result
        yield Static(
            head_content(result),
            id="score-head",
            classes="-pass" if result.passed else "-fail",
        )
        with Horizontal(id="score-body"):
            with Vertical(id="points-pane"):
                if self.question.type == "choice":
                    yield Label("Options", classes="pane-title")
                    yield OptionList(
                        *_choice_options(self.question, result, self.whose), id="points"
                    )
                else:
                    yield Label("Key points", classes="pane-title")
                    yield OptionList(
                        *[_point_option(p, self.whose) for p in result.points], id="points"
                    )
                if self.question.type != "choice":
                    yield Static("", id="point-detail")
                findings = findings_content(result)
                yield Static(findings, id="findings", classes="" if findings else "-hidden")
                if result.judge is not None:
                    yield Static(judge_content(result), id="judge-opinion")
            with VerticalScroll(id="answer-pane"):
                yield Label(f"{self.whose.capitalize()} answer", classes="pane-title")
                yield AnswerView(result, id="answer-view")
                if result.points:
                    yield Static(
                        "↑/↓ over the key points singles out the sentence that decided each.",
                        id="answer-hint",
                    )
        yield Static(f"graded with {result.model} · bank {result.bank_version}", id="graded-with")
        yield Static(reference_content(self.question, result), id="reference", classes="-hidden")

    def on_mount(self) -> None:
        # Grading held off garbage collection until the card is on screen (GraderApp._grade).
        self.call_after_refresh(gc.enable)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        """Highlighting a key point singles out the sentence that decided it."""
        event.stop()
        if self.question.type == "choice":
            return
        point = self.result.points[event.option_index]
        self.query_one(AnswerView).select_sentence(point.sentence_index)
        self.query_one("#point-detail", Static).update(point_detail(point, self.whose))

    @property
    def reference_shown(self) -> bool:
        """Whether the reference answer is on view."""
        return not self.query_one("#reference").has_class("-hidden")

    def reveal_reference(self, show: bool | None = None) -> None:
        """Show (or hide, or toggle when `show` is None) the reference answer."""
        reference = self.query_one("#reference")
        show = not self.reference_shown if show is None else show
        reference.set_class(not show, "-hidden")
        if show:
            reference.scroll_visible(animate=False)
