"""`grader validate --strict`: mechanical problems of a valid bank's keyword side.

A rubric can pass the schema and still grade badly because of how its words are matched:

- a synonym that reduces to one common stem ("layer by layer" is just "layer") or that only
  restates the question ("learning rate" in the learning-rate question) matches nearly every
  answer;
- a synonym that says what another already says (same stems, in any order) is dead weight,
  or worse, ticks two points at once;
- an acronym that cannot match its own point, or that two points declare;
- a misconception pattern that a simple denial of the claim still matches ("X does not Y",
  "X never Y"): a candidate who denies the misconception would be fined for it.

Each finding is a bank Problem (file:line: field: message), like a schema error.
"""

from __future__ import annotations

import re
from collections import Counter

from grader.bank import RUBRICS_DIR, Bank, Problem, _line_of, _read_yaml, _yaml_files
from grader.lexicon import Lexicon, phrase_stems
from grader.models import Question, Rubric
from grader.text import ACRONYM_ANY_CASE, STOP_WORDS, content_stems, is_negation, stem

GENERIC_STEMS = frozenset(
    stem(w)
    for w in """layer network neural model data train learn weight input output function
    use make get depend differ thing way work kind type part one value number problem result
    good better task method time example""".split()
)
"""Stems too common in answers about deep learning to state a point on their own."""

COMMON_SHARE = 0.5
"""...and, in a bank of at least COMMON_MIN_QUESTIONS free-text questions, every stem used by
at least this share of them (in the question, its references or its key points)."""
COMMON_MIN_QUESTIONS = 10

AUXILIARIES = {
    "is": ["isn't"],
    "are": ["aren't"],
    "was": ["wasn't"],
    "were": ["weren't"],
    "can": ["cannot", "can't"],
    "could": ["couldn't"],
    "will": ["won't"],
    "would": ["wouldn't"],
    "should": ["shouldn't"],
    "must": ["mustn't"],
    "may": [],
    "might": [],
    "does": ["doesn't"],
    "do": ["don't"],
    "did": ["didn't"],
}
# Adverbs that sit in front of a main verb: a denial goes before them ("does not always make").
_PRE_VERB_ADVERBS = {"always", "only", "just", "still", "simply", "usually", "often", "really"}
# Words that often follow a verb but rarely a plural noun: "copies the brain", "works well".
_AFTER_VERB = {
    "the", "a", "an", "all", "every", "each", "its", "their", "no", "more", "less", "well",
    "exactly", "any", "nothing", "far", "much", "them", "it", "only", "just", "fine",
}  # fmt: skip
_DETERMINERS = {"the", "a", "an", "each", "every", "its", "their", "this", "these", "more", "many"}
# Common verbs in their plain form, for claims about a plural subject ("Networks need ...").
_PLAIN_VERBS = {
    "need", "make", "learn", "use", "give", "train", "beat", "improve", "hit", "work", "stay",
    "mean", "have", "take", "let", "require", "produce", "compute", "remove", "fix", "cap",
    "find", "help", "lose", "copy", "feed", "merge", "update", "keep", "reach", "converge",
    "guarantee", "add", "draw", "squeeze", "multiply", "cope", "describe", "lead",
    "cause", "solve", "cure", "prevent", "remain", "become", "get", "go", "flow", "share",
    "fail", "hold", "run", "see", "treat", "turn", "pick", "choose", "reduce", "increase",
}  # fmt: skip
_PRONOUNS = {"they", "we", "you", "i"}
_IRREGULAR = {"has": "have", "does": "do", "goes": "go", "is": "be", "are": "be"}
_TOKEN = re.compile(r"[A-Za-z][A-Za-z'-]*|\S")


def lint_bank(bank: Bank) -> list[Problem]:
    """Every mechanical problem of the bank's rubrics, in file order."""
    common = _common_stems(bank)
    problems: list[Problem] = []
    rubrics = bank.root / RUBRICS_DIR
    for path in _yaml_files(rubrics) if rubrics.is_dir() else []:
        scratch: list[Problem] = []
        data, node = _read_yaml(path, scratch)
        if data is None or data.get("question_id") not in bank.questions:
            continue
        question = bank.questions[data["question_id"]]
        if question.rubric is None:
            continue
        found = [
            Problem(path, _line_of(node, loc), ".".join(str(part) for part in loc), message)
            for loc, message in lint_rubric(question, question.rubric, common)
        ]
        problems += sorted(found, key=lambda p: p.line or 0)  # stable: checks' order per line
    return problems


def lint_rubric(
    question: Question, rubric: Rubric, common: frozenset[str] = GENERIC_STEMS
) -> list[tuple[list[str | int], str]]:
    """(location of the field, message) for every problem of one rubric."""
    found: list[tuple[list[str | int], str]] = []
    found += _check_phrases(question, rubric, common)
    found += _check_acronyms(rubric)
    for i, wrong in enumerate(rubric.misconceptions):
        for k, pattern in enumerate(wrong.patterns):
            denial = _denial_matched(pattern, wrong.statement)
            if denial:
                message = f"pattern {pattern!r} also matches a denial of the claim: {denial!r}"
                found.append((["misconceptions", i, "patterns", k], message))
    return found


def _common_stems(bank: Bank) -> frozenset[str]:
    questions = bank.free_text()
    if len(questions) < COMMON_MIN_QUESTIONS:
        return GENERIC_STEMS
    counts: Counter[str] = Counter()
    for q in questions:
        texts = [q.question, *q.references]
        texts += [p.statement for p in q.rubric.key_points] if q.rubric else []
        counts.update({s for text in texts for s in content_stems(text)})
    frequent = {s for s, n in counts.items() if n >= COMMON_SHARE * len(questions)}
    return GENERIC_STEMS | frequent


def _check_phrases(question: Question, rubric: Rubric, common: frozenset[str]):
    asked = set(content_stems(question.question))
    stated: dict[frozenset[str], tuple[str, str]] = {}  # stems -> (point id, phrase)
    for j, point in enumerate(rubric.key_points):
        own = [(["key_points", j, "synonyms", k], s, None) for k, s in enumerate(point.synonyms)]
        own += [(["key_points", j, "acronyms", a], e, a) for a, e in point.acronyms.items()]
        for loc, phrase, acronym in own:
            what = f"the expansion {phrase!r} of {acronym}" if acronym else f"synonym {phrase!r}"
            stems = frozenset(phrase_stems(phrase))
            if stems <= asked:
                yield loc, f"{what} only restates the question: every answer states it"
            elif len(stems) == 1 and stems <= common:
                (only,) = stems
                yield loc, f"{what} reduces to the common stem {only!r}: it matches too much"
            if stems in stated:
                owner, earlier = stated[stems]
                where = "" if owner == point.id else f" of point {owner}"
                if acronym is None:
                    yield loc, f"duplicate synonym: {earlier!r}{where} says the same"
                elif owner != point.id:
                    yield loc, f"{what} duplicates {earlier!r}{where}"
            elif acronym is None:
                stated[stems] = (point.id, phrase)
        # An explicit synonym that repeats an expansion (matched automatically) is redundant.
        for a, e in point.acronyms.items():
            for k, s in enumerate(point.synonyms):
                if frozenset(phrase_stems(s)) == frozenset(phrase_stems(e)):
                    message = f"duplicate synonym: the expansion of {a} already states it"
                    yield ["key_points", j, "synonyms", k], message
            stated.setdefault(frozenset(phrase_stems(e)), (point.id, e))


def _check_acronyms(rubric: Rubric):
    lexicon = Lexicon(rubric.key_points)
    owners: dict[str, list[str]] = {}
    for point in rubric.key_points:
        for short in point.acronyms:
            owners.setdefault(short, []).append(point.id)
    for j, point in enumerate(rubric.key_points):
        for short, long in point.acronyms.items():
            loc = ["key_points", j, "acronyms", short]
            if len(owners[short]) > 1:
                others = ", ".join(o for o in owners[short] if o != point.id)
                yield loc, f"acronym {short} is also declared by {others}: declare it once"
                continue
            sentences = [f"We use {short} here.", f"We use {long} here."]
            if sum(c.isalpha() for c in short) >= ACRONYM_ANY_CASE:
                sentences.append(f"we use {short.lower()} here.")
            matched = lexicon.match(sentences)[:, j]
            if not matched.all():
                missed = [s for s, ok in zip(sentences, matched) if not ok]
                yield loc, f"acronym {short} ({long}) cannot match its own point: {missed[0]!r}"


# ------------------------------------------------------------------ denials


def _denial_matched(pattern: str, statement: str) -> str | None:
    """A simple denial of the claim that the pattern still matches, or None.

    The claims are the statement, if the pattern matches it (the clause the match starts in
    is denied, the rest kept), and an example the pattern matches, made from the pattern
    itself. Each is denied the usual ways: "not", "never" or a contraction after its first
    auxiliary ("is not", "isn't"), or "does not", "doesn't" or "never" at its main verb.
    """
    compiled = re.compile(pattern, re.IGNORECASE)
    candidates: list[str] = []
    match = compiled.search(statement)
    if match:
        # The clause the claim ends in: a pattern may open with ".*" to check the whole line.
        start, end = _clause(statement, max(match.end() - 1, match.start()))
        head, clause, tail = statement[:start], statement[start:end], statement[end:]
        candidates += [head + denied + tail for denied in denials(clause)]
    example = _example(pattern)
    if example and compiled.search(example):
        candidates += denials(example, fragment=True)
    return next((denial for denial in candidates if compiled.search(denial)), None)


_CLAUSE_BREAK = re.compile(
    r"[,;:]\s*|\s+(?:because|so|while|whereas|since|although|though|but|and then)\s+"
)


def _clause(text: str, at: int) -> tuple[int, int]:
    """The span of the clause of `text` that holds position `at`."""
    start, end = 0, len(text)
    for brk in _CLAUSE_BREAK.finditer(text):
        if brk.end() <= at:
            start = brk.end()
        elif brk.start() > at:
            end = brk.start()
            break
    return start, end


def denials(claim: str, fragment: bool = False) -> list[str]:
    """Simple denials of a one-clause claim: none when it is already negative or no verb can
    be found in it. A `fragment` (a piece of a sentence) may start with its verb."""
    tokens = _TOKEN.findall(claim)
    lowered = [t.lower() for t in tokens]
    if any(is_negation(t) for t in lowered):
        return []
    found: list[list[str]] = []
    aux = next((i for i, t in enumerate(lowered) if t in AUXILIARIES), None)
    first = 0 if fragment else 1
    verb = _main_verb(lowered, first, stop=len(tokens) if aux is None else aux)
    if verb is not None:
        main = verb
        while main + 1 < len(tokens) and lowered[main] in _PRE_VERB_ADVERBS:
            main += 1
        word = lowered[main]
        helper = "does" if word.endswith("s") else "do"
        head, adverbs, rest = tokens[:verb], tokens[verb:main], tokens[main + 1 :]
        plain = _plain(tokens[main])
        found.append([*head, helper, "not", *adverbs, plain, *rest])
        found.append([*head, helper + "n't", *adverbs, plain, *rest])
        found.append([*head, "never", tokens[main], *rest])
    elif aux is not None:
        head, rest = tokens[: aux + 1], tokens[aux + 1 :]
        found.append([*head, "not", *rest])
        while rest and rest[0].lower() in _PRE_VERB_ADVERBS:
            rest = rest[1:]
        found.append([*head, "never", *rest])
        for contraction in AUXILIARIES[lowered[aux]]:
            found.append([*tokens[:aux], contraction, *tokens[aux + 1 :]])
    return [_join(t) for t in found]


def _main_verb(lowered: list[str], first: int, stop: int) -> int | None:
    """Where the main verb of a claim is (or the adverb in front of it), before `stop`: a guess
    from word shapes, enough for the one-clause statements of a rubric."""
    for i in range(first, stop):
        word, before = lowered[i], lowered[i - 1] if i else ""
        after = lowered[i + 1] if i + 1 < len(lowered) else ""
        if before in _DETERMINERS or not word.replace("-", "").isalpha():
            continue
        if word in _PRE_VERB_ADVERBS:
            if after in _PLAIN_VERBS or _plain(after) in _PLAIN_VERBS or after.endswith("s"):
                return i
            continue
        if word in ("has", "have"):
            return i
        if word in STOP_WORDS:
            continue
        if word.endswith("s") and not word.endswith(("ss", "us", "is")):
            if _plain(word) in _PLAIN_VERBS or after in _AFTER_VERB:
                return i
        elif word in _PLAIN_VERBS and (not before or before.endswith("s") or before in _PRONOUNS):
            return i
    return None


def _plain(verb: str) -> str:
    """The plain form of a verb in -s: "updates" -> "update", "fixes" -> "fix"."""
    lowered = verb.lower()
    if lowered in _IRREGULAR:
        return _IRREGULAR[lowered]
    if lowered.endswith("ies"):
        return verb[:-3] + "y"
    if lowered.endswith(("ches", "shes", "sses", "xes")):
        return verb[:-2]
    return verb[:-1] if lowered.endswith("s") and not lowered.endswith("ss") else verb


def _join(tokens: list[str]) -> str:
    text = " ".join(t for t in tokens if t)
    return re.sub(r" ([.,;:!?)])", r"\1", text)


def _example(pattern: str) -> str | None:
    """A short text the pattern matches, built from its first alternatives; None if that
    fails (lookarounds, back-references and anchors are what usually defeat it)."""
    try:
        from re import _parser as parser  # type: ignore[attr-defined]
    except ImportError:  # pragma: no cover - Python < 3.11
        return None
    try:
        text = _generate(parser.parse(pattern), parser)
    except Exception:  # a construct this small generator does not know
        return None
    text = " ".join(text.split())
    return text if text and re.search(pattern, text, re.IGNORECASE) else None


def _generate(parsed, parser) -> str:
    c = parser  # opcode names live on the parser module's constants
    out: list[str] = []
    for op, arg in parsed:
        if op is c.LITERAL:
            out.append(chr(arg))
        elif op is c.NOT_LITERAL:
            out.append(" " if arg != ord(" ") else "a")
        elif op is c.ANY:
            out.append(" ")
        elif op is c.IN:
            out.append(_class_member(arg, c))
        elif op is c.BRANCH:
            out.append(_generate(arg[1][0], parser))
        elif op is c.SUBPATTERN:
            out.append(_generate(arg[-1], parser))
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT):
            low, _high, item = arg
            piece = _generate(item, parser)
            out.append(piece * low if low else (" " if piece.isspace() else ""))
        elif op in (c.AT, c.ASSERT, c.ASSERT_NOT):
            out.append(" " if op is c.AT and arg in (c.AT_BOUNDARY,) else "")
        else:
            raise ValueError(op)
    return "".join(out)


def _class_member(items, c) -> str:
    negated = bool(items) and items[0][0] is c.NEGATE
    if negated:
        excluded = {chr(a) for op, a in items if op is c.LITERAL}
        return " " if " " not in excluded else "a"
    for op, arg in items:
        if op is c.LITERAL:
            return chr(arg)
        if op is c.RANGE:
            return chr(arg[0])
        if op is c.CATEGORY:
            return {c.CATEGORY_DIGIT: "1", c.CATEGORY_SPACE: " "}.get(arg, "a")
    return "a"
