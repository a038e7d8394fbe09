"""What a sentence asserts: clauses, their polarity and scope, and the things they are about.

Keywords alone cannot tell "clipping fixes vanishing gradients" from "clipping does nothing for
vanishing gradients; residual connections fix them". Both hold the misconception's words; only
the first asserts it. This module splits a sentence into clauses and says, for a place in the
sentence, whether the clause there asserts a claim:

- a clause under a contrast ("unlike X", "instead of X", "rather than X", "X, not Y"), a
  concession ("even if", "although") or a condition ("only when", "unless") asserts nothing;
- a clause that reports a belief ("people often think", "a common misconception") or judges
  what it says ("... leaks test data", "... is a myth") asserts nothing;
- a clause whose count of negations differs in parity from the claim's denies it;
- a clause whose own subject is something else ("residual connections address vanishing
  gradients", asked about clipping; "the sum is computed by the linear part"; "removing
  duplicates is deduplication, while normalisation rescales") asserts nothing about the
  claim's subject;
- a sentence that limits what it says ("only", "can", "up to a point") does not assert a
  universal claim ("always", "entirely", "alone", "any") unless it is universal itself.

Pure text rules, no model: the scorer decides with them which matches count.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from grader.text import (
    content_stems,
    is_negation,
    negated_stems,
    normalise,
    plain_stem,
    polarity_flipped,
    stem,
    words,
)
from grader.word_order import FUNCTION_WORDS

# Markers that open a clause, by the role the clause they open plays.
_OPENERS: dict[str, tuple[str, ...]] = {
    "contrast": (
        "unlike",
        "instead of",
        "rather than",
        "as opposed to",
        "in contrast to",
        "in contrast with",
        "the opposite of",
        "the reverse of",
        "compared to",
        "compared with",
        "not",
        "except",
    ),
    "concession": ("even if", "even though", "although", "though", "despite"),
    "condition": ("only when", "only if", "unless", "except when"),
    "main": (
        "but",
        "whereas",
        "while",
        "however",
        "yet",
        "which",
        "so",
        "and so",
        "because",
        "and",
    ),
}
# A marker opens a clause after a comma or at the start; the conjunctions anywhere.
_ANYWHERE = {
    "but",
    "whereas",
    "however",
    "unlike",
    "instead of",
    "rather than",
    "as opposed to",
    "even if",
    "even though",
    "although",
    "only when",
    "only if",
    "unless",
    "except when",
}
_HEDGES = frozenset({"rarely", "seldom", "hardly", "barely", "nothing", "nobody", "fails", "fail"})
# "not only", "not just ... alone": the claim is affirmed, not denied.
_NOT_ONLY = re.compile(r"\bnot\s+(?:only|just|merely|simply|solely|necessarily only)\b")
_ALONE = re.compile(r"\bnot\b[^,;]{0,60}\b(?:alone|only)\b")
_ATTRIBUTION = re.compile(
    r"\b(?:(?:people|many|some|beginners|students|newcomers|others|one)\b[^,;]{0,30}"
    r"\b(?:think|thinks|believe|believes|assume|assumes|claim|claims|say|says|list|lists|"
    r"call|calls|confuse|confuses|mistake|mistakes|expect|expects|suppose|suggest)|"
    r"misconception|myth|mistaken(?:ly)?|wrongly|incorrectly|contrary to|common mistake|"
    r"(?:is|are|was|it's) (?:wrong|false|untrue|incorrect|a mistake|a myth|not true)|"
    r"leaks?|leakage|should be avoided|bad practice|(?:is|are) a bug|"
    r"(?:is|are) (?:a )?(?:different|separate|another|other) (?:technique|method|thing|idea|"
    r"problem|trick)s?)\b"
)


@dataclass(frozen=True)
class Clause:
    """A stretch of a sentence (character offsets) and the role it plays in it."""

    start: int
    end: int
    role: str  # main, contrast, concession or condition
    text: str

    @property
    def asserting(self) -> bool:
        return self.role == "main"


@dataclass(frozen=True)
class Side:
    """One of two things a question compares, as the phrases that name it."""

    phrases: tuple[tuple[str, ...], ...]

    @classmethod
    def parse(cls, text: str) -> Side:
        """From a rubric's "phrase|alternative|..." ("SGD|stochastic gradient descent")."""
        found = (tuple(stem(w) for w in words(p)) for p in text.split("|"))
        return cls(tuple(p for p in found if p))

    @property
    def stems(self) -> frozenset[str]:
        return frozenset(s for phrase in self.phrases for s in phrase)

    def first(self, text: str) -> int | None:
        """The word position where the text first names this side, or None."""
        return self.first_in([stem(w) for w in words(text)])

    def first_in(self, stems: list[str]) -> int | None:
        """The position in a list of stems where this side is first named, or None."""
        starts = [
            i
            for phrase in self.phrases
            for i in range(len(stems) - len(phrase) + 1)
            if tuple(stems[i : i + len(phrase)]) == phrase
        ]
        return min(starts, default=None)


Pair = tuple[Side, Side]


def _marker_pattern() -> re.Pattern[str]:
    markers = sorted({m for ms in _OPENERS.values() for m in ms}, key=len, reverse=True)
    alternatives = "|".join(re.escape(m).replace(r"\ ", r"\s+") for m in markers)
    return re.compile(rf"(?:^|(?<=[,;:(]\s)|(?<=[,;:(])|\b)({alternatives})\b", re.IGNORECASE)


_MARKER = _marker_pattern()
_ROLE = {m: role for role, ms in _OPENERS.items() for m in ms}
_HARD_BREAK = re.compile(r"[;:()]|\s[-\u2013\u2014]\s")
_VALUE_BRACKETS = re.compile(r"[(\[][^()\[\]A-Za-z]*[)\]]")


@lru_cache(maxsize=4096)
def clauses(sentence: str) -> tuple[Clause, ...]:
    """Split a sentence into clauses at contrast, concession and condition markers.

    Cached: the scorer asks for the same sentence's clauses once per point and misconception.
    """
    cuts: dict[int, str] = {0: "main"}
    # Brackets around numbers ("into (-1, 1)") hold a value, not an aside.
    values = [m.span() for m in _VALUE_BRACKETS.finditer(sentence)]
    for m in _HARD_BREAK.finditer(sentence):
        if not any(start <= m.start() < end for start, end in values):
            cuts.setdefault(m.end(), "main")
    for m in _MARKER.finditer(sentence):
        marker = re.sub(r"\s+", " ", m.group(1).lower())
        before = sentence[: m.start()].rstrip()
        after_comma = not before or before[-1] in ",;:("
        role = _ROLE[marker]
        if marker == "not" and not after_comma:
            continue  # "does not" negates its own clause; only ", not X" opens a contrast
        if role == "main" and marker not in _ANYWHERE and not after_comma:
            continue  # "while training", "so that": not clause openers here
        if role == "contrast" and marker not in _ANYWHERE and not after_comma:
            continue
        cuts[m.start()] = role
    ordered = sorted(cuts.items())
    found: list[Clause] = []
    for i, (start, role) in enumerate(ordered):
        end = ordered[i + 1][0] if i + 1 < len(ordered) else len(sentence)
        text = sentence[start:end]
        if not text.strip():
            continue
        # A relative clause right after a contrast describes the contrasted thing.
        if role == "main" and found and found[-1].role != "main" and _is_relative(text):
            role = found[-1].role
        # "Unlike trees, ...", "X, not Y, does ...", "Even if ..., ...": the aside ends at its
        # comma and the main clause resumes.
        comma = text.find(",", 1)
        if (
            role != "main"
            and 0 < comma < len(text.rstrip(" .!?")) - 1
            and not _is_relative(text[comma + 1 :])
        ):
            found.append(Clause(start, start + comma, role, text[:comma]))
            found.append(Clause(start + comma, end, "main", text[comma:]))
            continue
        found.append(Clause(start, end, role, text))
    return tuple(found) or (Clause(0, len(sentence), "main", sentence),)


def _is_relative(text: str) -> bool:
    return re.match(r"\W*(?:which|who|that)\b", text, re.IGNORECASE) is not None


def _main_part(claim: str) -> str:
    """A claim up to its first relative or comparative clause: "X learns patterns that Y
    cannot" asserts, it does not deny."""
    return re.split(r"\b(?:that|which|who|than|unlike)\b", claim, maxsplit=1)[0]


def negation_count(text: str) -> int:
    """How many negations a text holds ("not only" and "not ... alone" do not deny)."""
    lowered = normalise(text)
    lowered = _NOT_ONLY.sub(" ", lowered)
    lowered = _ALONE.sub(" ", lowered)
    return sum(is_negation(t) or t in _HEDGES or t == "no_longer" for t in words(lowered))


def clause_at(sentence: str, position: int) -> Clause:
    """The clause that holds the character at `position`."""
    for clause in clauses(sentence):
        if clause.start <= position < clause.end:
            return clause
    return clauses(sentence)[-1]


def asserts(
    sentence: str,
    claim: str,
    span: tuple[int, int] | None = None,
    topic: frozenset[str] = frozenset(),
    pairs: tuple[Pair, ...] = (),
) -> bool:
    """Does the sentence assert `claim`, where it matched it (`span`, for a pattern) or, for
    a match by meaning, in every clause that shares the claim's words?

    A match by meaning is the whole sentence's, so any clause of it that speaks to the claim
    and denies, contrasts or reports it makes the match unsafe. `topic` holds the stems of
    what the question is about (they may stand as the subject and do not choose the clause);
    `pairs` the stems of two things the question compares: a clause about one side does not
    assert a claim made of the other.
    """
    claim_stems = set(content_stems(claim))
    if _hedges_universal(sentence, claim):
        return False
    if span is not None:
        clause = clause_at(sentence, span[0])
        # A match that runs on into the other side of a pair ("softmax for classes and linear
        # for regression") joins two statements into one.
        if _names_other_side(sentence[span[0] : span[1]], claim, pairs):
            return False
        return span[1] <= clause.end + 1 and _clause_asserts(
            sentence, clause, span, claim, claim_stems, topic, pairs
        )
    wanted = claim_stems - topic or claim_stems
    # A contrast speaks to the claim even in the question's own words: "splitting is a
    # prerequisite, not a fix" denies that it fixes anything.
    speaking = [
        (clause, start)
        for clause in _claim_clauses(sentence, claim, topic, pairs)
        if (
            start := _first_word_in(
                sentence, clause, claim_stems if clause.role == "contrast" else wanted
            )
        )
        is not None
        and (clause.role != "main" or _speaks_to(clause, claim, wanted))
    ]
    return bool(speaking) and all(
        _clause_asserts(sentence, clause, (start, None), claim, claim_stems, topic, pairs)
        for clause, start in speaking
    )


def _speaks_to(clause: Clause, claim: str, wanted: set[str]) -> bool:
    """Does a main clause share enough of the claim's words to speak to it? Two, for a claim
    of three words or more: "and the output is averaged over this randomness" merely echoes
    "randomly removed", and must not hold back the clause before it that makes the claim.
    One is enough for a clause that denies or reverses ("but the split alone does not fix
    it", "which reduces overfitting" against "increases overfitting")."""
    shared = len(wanted & set(content_stems(clause.text)))
    if shared >= 2 or len(wanted) < 3:
        return shared >= 1
    return shared == 1 and (negation_count(clause.text) > 0 or polarity_flipped(clause.text, claim))


def _clause_asserts(
    sentence: str,
    clause: Clause,
    span: tuple[int, int | None],
    claim: str,
    claim_stems: set[str],
    topic: frozenset[str],
    pairs: tuple[Pair, ...],
) -> bool:
    """Does this clause assert the claim matched at `span` (its end is None for a match by
    meaning, which has no extent)?"""
    if not clause.asserting or _ATTRIBUTION.search(normalise(clause.text)):
        return False
    # Negations count up to the match and in the clause's main part after it: "learns
    # patterns that one regression can't" asserts.
    end = (span[1] if span[1] is not None else span[0]) - clause.start
    said = clause.text[:end] + _main_part(clause.text[end:])
    if negation_count(said) % 2 != negation_count(_main_part(claim)) % 2:
        return False
    # A side the claim names is its subject under any of its names ("final layers" for a
    # claim about the "last layers").
    # "The important point is that it stays on": what follows "is that" is the claim made.
    prefix = _COMPLEMENT.sub("", sentence[clause.start : span[0]])
    antecedent = _antecedent(sentence, clause) if _is_relative(clause.text) else ""
    if _ends_with_side(antecedent, pairs):
        # "a decoder, which compresses the input": a relative clause right after one of the
        # compared things speaks of it.
        prefix = antecedent + " " + re.sub(r"^\W*\w+", "", prefix)
    if _foreign_subject(prefix, claim_stems | _named(claim, pairs), topic):
        return False
    # "The weighted sum is computed by the linear part": the agent of a passive is its
    # subject.
    agent = _PASSIVE_AGENT.search(clause.text)
    if agent and _foreign_subject(agent.group(1), _claim_subject(claim, pairs), topic):
        return False
    return not _about_other_side(clause.text, claim, pairs)


_COMPLEMENT = re.compile(r"^.*\b(?:is|are|was|were)\s+that\b", re.IGNORECASE | re.DOTALL)
# "is (usually) computed by the linear part": the agent, up to three words after "by".
_PASSIVE_AGENT = re.compile(
    r"\b(?:is|are|was|were|gets?|being|been)\s+(?:\w+ly\s+)?\w+ed\s+by\s+"
    r"((?:the|a|an|its|their)?\s*[\w'-]+(?:\s+[\w'-]+){0,2})",
    re.IGNORECASE,
)


def _claim_subject(claim: str, pairs: tuple[Pair, ...]) -> set[str]:
    """The stems that name a claim's subject: its first word, which names it well enough
    ("data normalisation removes ...": data), and every name of the sides it names."""
    return set(_subject(claim)[:1]) | _named(claim, pairs)


def _named(claim: str, pairs: tuple[Pair, ...]) -> set[str]:
    """The stems of every name of each side the claim names."""
    return {
        s for pair in pairs for side in pair if side.first(claim) is not None for s in side.stems
    }


def _antecedent(sentence: str, clause: Clause) -> str:
    """The words a relative clause may refer back to: those that end the clause before it,
    after its last function word ("is made of a decoder, which ..." -> "decoder")."""
    before = [c for c in clauses(sentence) if c.end <= clause.start]
    tokens = words(before[-1].text) if before else []
    tail: list[str] = []
    for w in reversed(tokens):
        if w in FUNCTION_WORDS:
            break
        tail.insert(0, w)
    return " ".join(tail)


def _ends_with_side(text: str, pairs: tuple[Pair, ...]) -> bool:
    """Do the text's last words name one of the compared things?"""
    stems = [stem(w) for w in words(text)]
    return any(
        stems[len(stems) - len(phrase) :] == list(phrase)
        for pair in pairs
        for side in pair
        for phrase in side.phrases
    )


def _foreign_subject(prefix: str, claim_stems: set[str], topic: frozenset[str]) -> bool:
    """Do the words before the match name another subject ("residual connections address
    vanishing gradients", for a claim about clipping; "rules of thumb such as ...")?"""
    subject = {stem(w) for w in words(prefix) if w not in FUNCTION_WORDS}
    return bool(subject) and not subject & (claim_stems | topic)


def _first_word_in(sentence: str, clause: Clause, stems: set[str]) -> int | None:
    """Where the clause's first word with a stem in `stems` starts, or None."""
    for m in re.finditer(r"[A-Za-z0-9_'-]+", clause.text):
        if any(stem(w) in stems for w in words(m.group())):
            return clause.start + m.start()
    return None


def contradicts(
    sentence: str,
    statement: str,
    topic: frozenset[str] = frozenset(),
    pairs: tuple[Pair, ...] = (),
) -> bool:
    """Does the clause of the sentence that speaks to the statement say its opposite?

    The clause sharing the most words with the statement (beyond the question's own, `topic`)
    decides, so that "it introduces non-linearity: without it the layers stay linear" is not
    read as a denial. A clause about the other side of a compared pair ("while batch descent
    averages before each update", for a point about SGD) speaks of something else.
    """
    wanted = set(content_stems(statement)) - topic or set(content_stems(statement))
    candidates = [c for c in clauses(sentence) if not _about_other_side(c.text, statement, pairs)]
    if not candidates:
        return False
    best = max(candidates, key=lambda c: len(wanted & set(content_stems(c.text))))
    if _COUNTERFACTUAL.search(best.text):
        return False  # "features in different units would otherwise dominate": the case without
    asserted = " ".join(c.text for c in clauses(statement) if c.role == "main")
    return polarity_flipped(best.text, statement, asserted or statement, topic)


_COUNTERFACTUAL = re.compile(r"\b(?:otherwise|or else)\b", re.IGNORECASE)
_ASIDE = re.compile(r"\s*\([^()]*\)")


def asserted_words(
    sentence: str, claim: str, pairs: tuple[Pair, ...] = (), topic: frozenset[str] = frozenset()
) -> set[str]:
    """The content stems of the sentence's clauses that could assert `claim`: main clauses,
    not about the other side of a compared pair ("softmax for classes, while a linear
    output is used for regression": "regression" is said of the linear output) nor about
    another subject (see `_claim_clauses`; `topic` holds the question's stems). An aside in
    brackets is left out, so "a linear (identity) output" stays one clause."""
    return {
        s
        for c in _claim_clauses(_ASIDE.sub("", sentence), claim, topic, pairs)
        if c.asserting and not _about_other_side(c.text, claim, pairs)
        for s in content_stems(c.text)
    }


# A universal claim ("always", "entirely") is denied, not made, by a sentence that limits
# what it says ("only reduces the problem", "improves accuracy up to a point").
_UNIVERSAL = re.compile(
    r"\b(?:always|whatever|however \w+|regardless|entirely|guarantee[sd]?|complete cure|"
    r"every time|in all cases|no matter|alone|on its own|by itself|any)\b"
)
_LIMITED = re.compile(
    r"\b(?:only|just|merely|partly|partially|somewhat|can|could|may|might|sometimes|often|"
    r"usually|typically|tends? to|depends?|depending|up to a point|to some extent|eases?|"
    r"mitigates?|alleviates?|reduces?|helps?)\b"
)


def _hedges_universal(sentence: str, claim: str) -> bool:
    """Does the sentence limit what a universal claim says everywhere, without a universal of
    its own?"""
    said, meant = normalise(sentence), normalise(claim)
    return bool(_UNIVERSAL.search(meant) and _LIMITED.search(said) and not _UNIVERSAL.search(said))


# Words that open a clause before its subject, and words that show the subject is not named
# (a pronoun, or a phrase of place or time: "at inference every neuron is used").
_OPENING = frozenset("whereas while but and so yet however the a an".split())
_UNNAMED = frozenset(
    """it they this these that those which who there here at in on during for with by from to
    after before when if since because as once""".split()
)


# Conjunctions that join two statements, each with its own subject.
_JOINING = re.compile(r"\W*(?:whereas|while|but|however|yet|and)\b", re.IGNORECASE)


def _subject(text: str) -> tuple[str, ...]:
    """The stems of the words a clause opens with, up to its first function word ("removing
    duplicate records is ..." -> remov, duplic, record): roughly its subject. Empty when the
    clause opens with a pronoun or a phrase of place or time."""
    tokens = words(text)
    while tokens and tokens[0] in _OPENING:
        tokens.pop(0)
    if tokens and tokens[0] in _UNNAMED and "," in text:
        # "For small datasets, classical methods are ...": the subject follows the phrase.
        return _subject(text.split(",", 1)[1])
    # "but don't remove it", "but can also overfit": a clause that opens on its verb shares
    # the subject of the one before.
    if not tokens or tokens[0] in _UNNAMED or is_negation(tokens[0]) or tokens[0] in _AUXILIARIES:
        return ()
    found = []
    for w in tokens:
        if w in FUNCTION_WORDS:
            break
        found.append(stem(w))
    return tuple(found)


def _claim_clauses(
    sentence: str, claim: str, topic: frozenset[str], pairs: tuple[Pair, ...]
) -> tuple[Clause, ...]:
    """The clauses of the sentence that may speak of the claim's subject.

    Where a conjunction joins a clause that has the claim's subject as its own and another
    with a subject of its own ("processing one example is a single step, whereas an epoch
    means every example is seen once"), that other clause speaks of something else. A clause
    after a colon or a semicolon goes on explaining ("an epoch is one step: a single batch
    goes forward ...").
    """
    found = clauses(sentence)
    own = _claim_subject(claim, pairs) | topic
    subjects = [set(_subject(c.text)) for c in found]
    joined = [bool(_JOINING.match(c.text)) for c in found]
    kept = []
    for k, (clause, sub) in enumerate(zip(found, subjects)):
        foreign = bool(sub) and not sub & own
        beside = [m for m in (k - 1, k + 1) if 0 <= m < len(found) and subjects[m] & own]
        # Joined by a conjunction to a clause on the claim's own subject: about another thing.
        if foreign and any(joined[max(k, m)] for m in beside):
            continue
        kept.append(clause)
    return tuple(kept)


def _names_other_side(text: str, claim: str, pairs: tuple[Pair, ...]) -> bool:
    """The text names a side of a pair that the claim does not name, beside one it does."""
    return any(
        (mine.first(claim) is not None and other.first(claim) is None)
        and mine.first(text) is not None
        and other.first(text) is not None
        for side_a, side_b in pairs
        for mine, other in ((side_a, side_b), (side_b, side_a))
    )


def _about_other_side(text: str, statement: str, pairs: tuple[Pair, ...]) -> bool:
    """The text names only one side of a pair, and the statement only the other."""
    for side_a, side_b in pairs:
        for mine, other in ((side_a, side_b), (side_b, side_a)):
            named = mine.first(text) is not None and other.first(text) is None
            if named and other.first(statement) is not None and mine.first(statement) is None:
                return True
    return False


_AUXILIARIES = frozenset(
    "is are was were can could will would should must may might has have does do".split()
)
_DETERMINERS = frozenset(
    "the a an to on its their more less all every each any no it them as in".split()
)


def negate(statement: str) -> str:
    """The plain denial of a statement: "X is Y" -> "X is not Y", "X fixes Y" -> "X does not
    fix Y" (a misconception's denial, to tell which of the two a sentence is closer to)."""
    tokens = statement.rstrip(".").split()
    lowered = [t.lower().strip(",;:") for t in tokens]
    for i, word in enumerate(lowered):
        if word in _AUXILIARIES and i > 0:
            if i + 1 < len(lowered) and lowered[i + 1] == "not":
                return " ".join(tokens[: i + 1] + tokens[i + 2 :])
            return " ".join(tokens[: i + 1] + ["not"] + tokens[i + 1 :])
    for i, word in enumerate(lowered[1:-1], start=1):
        if (
            word.endswith("s")
            and not word.endswith("ss")
            and word not in FUNCTION_WORDS
            and lowered[i + 1] in _DETERMINERS
        ):
            base = word[:-2] if word.endswith(("ches", "shes", "xes", "sses")) else word[:-1]
            return " ".join(tokens[:i] + ["does", "not", base] + tokens[i + 1 :])
    return "It is not true that " + statement[:1].lower() + statement[1:]


# Words that say how many or how much, grouped so that "single" meets "one" and "many" meets
# "several" when what a sentence says of each side is compared with what a point says.
_QUANTITY = {
    **dict.fromkeys(
        ("one", "single", "only", "few", "less", "fewer", "small", "smaller", "low", "lower"),
        "LITTLE",
    ),
    **dict.fromkeys(
        (
            "many",
            "several",
            "multiple",
            "more",
            "lot",
            "lots",
            "large",
            "larger",
            "high",
            "higher",
            "huge",
        ),
        "MUCH",
    ),
}
"""Words of quantity, grouped: by the word, not its stem, since "multiplications" shares the
stem of "multiple"."""


_COPULAS = frozenset({"is", "are", "was", "were", "be", "becomes", "become", "gets", "get"})


def _predicated(tokens: list[str], at: int) -> bool:
    """Is the side named at `at` said of the clause's subject ("when it is too high"), rather
    than only mentioned ("the activations stored during the forward pass")?"""
    return at > 0 and tokens[at - 1] in _COPULAS


def _part_start(text: str, at: int) -> int | None:
    """Where the part of the text that holds word `at` starts, when that part is a statement
    of its own, set off by a comma, semicolon or colon: the word opens it ("too high
    overshoots, too low crawls") or it ends the text ("near zero means vanishing, spikes
    mean exploding"). An aside in the middle ("deep learning, a kind of machine learning,
    uses ...") is not one, nor is a bare item of a keyword list ("..., recurrent, ...")."""
    parts = [words(p) for p in re.split(r"[,;:]", text)]
    start = 0
    for n, part in enumerate(parts):
        if start <= at < start + len(part):
            opens = at < start + 3 or n == len(parts) - 1
            stated = any(w in FUNCTION_WORDS for w in part)
            return start if opens and stated and n > 0 else None
        start += len(part)
    return None


_COORDINATORS = frozenset({"and", "or", "both", "either", "nor", "the", "its", "their", "a", "an"})


def _coordinated(between: list[str], sides: frozenset[str]) -> bool:
    """Are two sides joined as one subject ("vanishing and exploding", "its bias and its
    variance"), given the words between where each is first named?"""
    rest = [w for w in between if stem(w) not in sides]
    return bool(rest) and set(rest) <= _COORDINATORS and bool(set(rest) & {"and", "or", "nor"})


def _descriptors(tokens: list[str], sides: frozenset[str], topic: frozenset[str]) -> set[str]:
    """What some words say of the side they name: their stems, less the sides, the question's
    words, function words and what is denied ("a tree is not a linear model" does not call
    the tree linear), with quantities grouped."""
    denied = negated_stems(" ".join(tokens))
    kept = [
        w
        for i, w in enumerate(tokens)
        if (w not in FUNCTION_WORDS or w in _QUANTITY)
        and not _pronoun_one(tokens, i)
        and stem(w) not in sides | topic
        and plain_stem(w) not in denied
    ]
    # The sides' own words are dropped before quantities are grouped: "too low" names a
    # side, it says nothing of it.
    return {_QUANTITY.get(w) or plain_stem(w) for w in kept}


def _pronoun_one(tokens: list[str], i: int) -> bool:
    """ "one" standing for a thing, not counting one ("a network is one with many layers",
    "a large one makes ...")."""
    return tokens[i] == "one" and (
        i + 1 == len(tokens)
        or tokens[i + 1] in FUNCTION_WORDS
        or (i > 0 and tokens[i - 1] not in FUNCTION_WORDS)
    )


def roles_swapped(
    sentence: str,
    statement: str,
    pairs: tuple[Pair, ...],
    topic: frozenset[str] = frozenset(),
    phrasings: tuple[str, ...] = (),
    margin: int | None = None,
) -> bool:
    """Does the sentence say of one side of a compared pair what the statement says of the
    other ("a shallow network has many hidden layers", "multi-class problems have several
    labels")?

    Each clause is about the side it names alone. What the sentence's clauses say of each
    side (their other words) is compared with what the statement's clauses say of the same
    side and of the other one; the roles are swapped when the crossed reading shares more.
    Where the statement speaks of one side only, its other `phrasings` (a key point's
    synonyms: "loss blows up" for "diverges") say more of that side. `margin` overrides
    ROLE_MARGIN.
    """
    return any(
        crossed >= same + (ROLE_MARGIN if margin is None else margin)
        for same, crossed, _ in _readings(sentence, statement, pairs, topic, phrasings)
    )


def roles_agree(
    sentence: str, statement: str, pairs: tuple[Pair, ...], topic: frozenset[str] = frozenset()
) -> bool:
    """Does the sentence say of both sides of a pair what the statement says of each ("the
    last layers are general and the first ones task-specific", for a misconception that
    swaps the two)? Only a statement and a sentence that speak of both sides can."""
    return any(
        both and same >= crossed + ROLE_MARGIN
        for same, crossed, both in _readings(sentence, statement, pairs, topic)
    )


def _readings(
    sentence: str,
    statement: str,
    pairs: tuple[Pair, ...],
    topic: frozenset[str],
    phrasings: tuple[str, ...] = (),
) -> Iterator[tuple[int, int, bool]]:
    """Per pair: the words the sentence and the statement share side by side, crossed, and
    whether both speak of both sides."""
    for side_a, side_b in pairs:
        said = _said_of(sentence, side_a, side_b, topic)
        meant = _said_of(statement, side_a, side_b, topic)
        both = all(said) and all(meant)
        if bool(meant[0]) != bool(meant[1]) and phrasings:
            sides = side_a.stems | side_b.stems
            more = _descriptors(words(" ".join(phrasings)), sides, topic)
            meant = (meant[0] | more, meant[1]) if meant[0] else (meant[0], meant[1] | more)
        # What the statement says of both sides tells them apart no more than the sides do.
        common = meant[0] & meant[1]
        meant = (meant[0] - common, meant[1] - common)
        same = len(said[0] & meant[0]) + len(said[1] & meant[1])
        crossed = len(said[0] & meant[1]) + len(said[1] & meant[0])
        yield same, crossed, both


_NEW_SUBJECT = frozenset(
    {"and", "while", "whereas", "but", "yet", "though", "because", "since", "so", "if", "when"}
)
_PRONOUNS = frozenset({"it", "they"})
_POSSESSIVES = frozenset({"its", "their"})
ROLE_MARGIN = 2
"""How many more words the crossed reading must share than the straight one: a single shared
word ("update") is too weak a sign that roles were swapped."""


def _said_of(
    text: str, side_a: Side, side_b: Side, topic: frozenset[str]
) -> tuple[set[str], set[str]]:
    """What the text says of side a and of side b.

    A clause that names one side speaks of it. A clause that names both speaks of the first,
    unless the second opens a new statement ("a shallow network has many layers | and a deep
    one has a single layer"): then each part speaks of the side it names.
    """
    found: tuple[set[str], set[str]] = (set(), set())
    sides = side_a.stems | side_b.stems
    last: int | None = None  # the side the previous clause spoke of
    for clause in clauses(text):
        tokens = words(clause.text)
        stems = [stem(w) for w in tokens]
        at_a, at_b = side_a.first_in(stems), side_b.first_in(stems)
        if at_a is None and at_b is None:
            # "..., so it is purely linear", "too low, so training crawls": a clause opened by
            # a pronoun or by a consequence goes on speaking of the side the one before spoke of.
            # So does a relative clause: "a decoder, which expands the code" speaks of the
            # decoder, the side named last.
            opens = (
                set(tokens[:3]) & (_PRONOUNS | _POSSESSIVES)
                or tokens[:1] == ["so"]
                or _is_relative(clause.text)
            )
            if last is not None and opens:
                found[last].update(_descriptors(tokens, sides, topic))
            continue
        if at_a is None or at_b is None:
            named = 0 if at_b is None else 1
            at = at_a if at_b is None else at_b
            # "it computes the gradients ... stored during the forward pass": the pronoun
            # goes on with the side before; the side named later is only mentioned.
            if last is not None and set(tokens[:at]) & _PRONOUNS and not _predicated(tokens, at):
                named = last
            found[named].update(_descriptors(tokens, sides, topic))
            last = named
            continue
        if _coordinated(tokens[min(at_a, at_b) + 1 : max(at_a, at_b)], sides):
            # "vanishing and exploding gradients occur when ...": said of both alike.
            for side in found:
                side.update(_descriptors(tokens, sides, topic))
            last = None
            continue
        cut = max(at_a, at_b)
        part = _part_start(clause.text, cut)
        if part is not None and part > min(at_a, at_b):
            cut = part
        elif not set(tokens[max(0, cut - 3) : cut]) & _NEW_SUBJECT:
            # "Deep learning is machine learning with many layers": the first side is the
            # subject and the whole clause speaks of it.
            last = 0 if at_a < at_b else 1
            found[last].update(_descriptors(tokens, sides, topic))
            continue
        first, second = (0, 1) if at_a < at_b else (1, 0)
        found[first].update(_descriptors(tokens[:cut], sides, topic))
        found[second].update(_descriptors(tokens[cut:], sides, topic))
        last = second
    return found
