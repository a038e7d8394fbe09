"""Text helpers: sentences, normalised tokens, stems, lexical phrase matching and cues."""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache

import Stemmer

_STEMMER = Stemmer.Stemmer("english")
_WORD = re.compile(r"[a-z0-9_]+(?:'[a-z]+)?")
_YES_NO = re.compile(r"\byes\s*(?:/|or)\s*no\b")
# British and American spellings must meet: normalisation/normalization, regularise/regularize.
_ISE = re.compile(r"(?<=[a-z]{3})is(e|ed|es|ing|ation|ations|er|ers)\b")

NEGATIONS = frozenset(
    {
        "not",
        "no",
        "never",
        "cannot",
        "can't",
        "don't",
        "doesn't",
        "isn't",
        "aren't",
        "won't",
        "didn't",
        "shouldn't",
        "wouldn't",
        "without",
        "none",
        "neither",
        "nor",
        "nothing",
        "barely",
        "hardly",
        "scarcely",
    }
)
# Words whose presence flips a claim about the same subject (each pair works both ways).
_OPPOSITES = [
    ("increase", "decrease"),
    ("high", "low"),
    ("higher", "lower"),
    ("large", "small"),
    ("larger", "smaller"),
    ("big", "small"),
    ("fast", "slow"),
    ("faster", "slower"),
    ("before", "after"),
    ("more", "less"),
    ("maximum", "minimum"),
    ("overfit", "underfit"),
    ("overfitting", "underfitting"),
    ("vanish", "explode"),
    ("vanishing", "exploding"),
    ("linear", "nonlinear"),
    ("positive", "negative"),
    ("always", "never"),
    ("same", "different"),
    ("identical", "different"),
    ("add", "remove"),
    ("forward", "backward"),
    ("supervised", "unsupervised"),
    ("shallow", "deep"),
    ("reduce", "increase"),
    ("reduces", "increases"),
    ("robust", "sensitive"),
    ("subset", "superset"),
    ("easy", "hard"),
    ("cheap", "expensive"),
    ("little", "lots"),
    ("comparable", "different"),
    ("similar", "different"),
    ("equal", "different"),
    ("highest", "lowest"),
    ("largest", "smallest"),
    ("compress", "expand"),
    ("simple", "complex"),
    ("introduce", "remove"),
    ("better", "worse"),
    ("best", "worst"),
    ("strong", "weak"),
    ("stronger", "weaker"),
    ("stable", "unstable"),
    ("up", "down"),
    ("active", "inactive"),
    ("enabled", "disabled"),
]
ANTONYMS = tuple(_OPPOSITES + [(b, a) for a, b in _OPPOSITES])


# Function words only. Broad lists (scikit-learn's has 318 words) also drop words such as
# "same", "back", "whole", "many" and "first", which carry the meaning of rubric synonyms.
STOP_WORDS = frozenset(
    """a an the and or but if then so as than that this these those which who whom whose what
    when where why how it its itself they them their theirs themselves we us our ours you your
    yours he him his she her hers i me my mine is are was were be been being am do does did
    doing have has had having will would shall should can could may might must of to in on at
    by for with from into onto about via per there here also just very quite really such etc
    eg ie i.e e.g s t""".split()
)


# Compounds of a common prefix meet however they are written: "non-linear", "non linear",
# "nonlinear"; "mini-batch", "minibatch"; "pre-trained", "pretrained". A prefix that is never a
# word on its own joins the next word across a hyphen or a space. One that is also a word
# ("over", "re", "un", "de", "bi") joins only across a hyphen ("over-fitting" but not "over
# time"), except "over"/"under" before "fit" ("over fitting"). Prefixes such as "self",
# "cross", "post" and "out" are left alone: "self-attention" meets "self attention" as two
# words, as every other hyphenated pair does. A following function word never joins
# ("pre and post").
BOUND_PREFIXES = (
    "non", "pre", "multi", "mini", "semi", "co", "sub", "anti", "auto", "hyper", "inter", "intra"
)  # fmt: skip
HYPHEN_PREFIXES = ("over", "under", "re", "un", "de", "bi")
_NOT_A_TAIL = "|".join(map(re.escape, sorted(STOP_WORDS | NEGATIONS, key=len, reverse=True)))
_HYPHENATED = re.compile(
    rf"(?<![a-z0-9.'])({'|'.join(BOUND_PREFIXES + HYPHEN_PREFIXES)})-(?=[a-z])"
    rf"(?!(?:{_NOT_A_TAIL})\b)"
)
_SPACED = re.compile(
    rf"(?<![a-z0-9.'-])({'|'.join(BOUND_PREFIXES)}|over(?=\s+fit)|under(?=\s+fit))\s+(?=[a-z])"
    rf"(?!(?:{_NOT_A_TAIL})\b)"
)
# Typographic hyphens are hyphens; dashes between clauses are spaces.
_HYPHENS = re.compile("[\u2010\u2011\u2012\u2013\u2212]")
_DASHES = re.compile("[\u2014\u2015]")


def shorten(text: str, width: int) -> str:
    """One line of at most `width` characters, with an ellipsis when cut."""
    line = " ".join(text.split())
    return line if len(line) <= width else line[: max(0, width - 1)].rstrip() + "…"


@lru_cache(maxsize=65_536)
def normalise(text: str) -> str:
    """Lowercase ASCII-folded text with British -ise spellings mapped to -ize and compounds
    joined: "non-linear", "non linear" and "nonlinear" all become "nonlinear"."""
    text = _DASHES.sub(" ", _HYPHENS.sub("-", text))
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = text.lower().replace("\u2019", "'")
    text = _HYPHENATED.sub(r"\1", text)
    text = _SPACED.sub(r"\1", text).replace("-", " ")
    # "yes/no" names a kind of output; its "no" negates nothing.
    text = _YES_NO.sub("yes_or_no", text)
    return _ISE.sub(lambda m: "iz" + m.group(1), text)


def words(text: str) -> list[str]:
    """The words of a text, normalised."""
    return _WORD.findall(normalise(text))


@lru_cache(maxsize=50_000)
def stem(word: str) -> str:
    return _STEMMER.stemWord(word)


def plain_stem(word: str) -> str:
    """A word's stem, an adverb's taken back to its adjective's ("slowly" -> "slow"), so
    "converges slowly" and "training is slow" meet."""
    found = stem(word)
    return found[:-2] if found.endswith("li") and len(found) > 5 else found


def content_stems(text: str) -> list[str]:
    """Stems of the words that carry meaning (stop words dropped, negations kept)."""
    return [stem(w) for w in words(text) if w not in STOP_WORDS]


@cache
def _segmenter():
    # Made on first use: pysbd takes a while to import, and the practice app's first screen
    # (which imports this module for its answer checks) splits no sentences.
    import pysbd
    from pysbd.utils import TextSpan

    class Segmenter(pysbd.Segmenter):
        """pysbd's segmenter, finding each sentence in the text with str.find.

        pysbd finds them by compiling every sentence as a regular expression: about 5 ms an
        answer, and every such pattern pushes others out of `re`'s cache, so that the rest of
        grading compiled its own patterns again and again.
        """

        def sentences_with_char_spans(self, sentences):
            text, spans, end = self.original_text, [], 0
            for sentence in sentences:
                at = text.find(sentence)
                while at >= 0:
                    # The sentence and the spaces after it, as pysbd's pattern takes them.
                    stop = len(text) - len(text[at + len(sentence) :].lstrip())
                    if stop > end:  # as pysbd: the first place past the sentence before
                        spans.append(TextSpan(text[at:stop], at, stop))
                        end = stop
                        break
                    at = text.find(sentence, at + 1)
            return spans

    return Segmenter(language="en", clean=False)


def split_sentences(text: str) -> list[str]:
    """Split an answer into sentences; bullet lines and semicolons also end a sentence."""
    return list(_split(text))


@lru_cache(maxsize=4096)
def _split(text: str) -> tuple[str, ...]:
    # Cached: a batch splits its answers ahead of grading them, and the apps re-grade drafts.
    pieces: list[str] = []
    for line in re.split(r"\n\s*(?:[-*\u2022]|\d+[.)])?\s*", text.strip()):
        for sentence in _segmenter().segment(line) if line.strip() else []:
            pieces.extend(part.strip() for part in sentence.split(";"))
    return tuple(p for p in pieces if re.search(r"[A-Za-z0-9]", p))


ACRONYM_ANY_CASE = 3
"""Acronyms of this many letters or more match in any case ("relu", "sgd"); shorter ones only
as written, since "lr", "ml" or "ai" in lower case may be something else."""


def expand_acronyms(text: str, acronyms: dict[str, str]) -> str:
    """Write each acronym (matched as a whole word, plural too) next to its expansion."""
    for short, long in acronyms.items():
        letters = sum(c.isalpha() for c in short)
        flags = re.IGNORECASE if letters >= ACRONYM_ANY_CASE else 0
        text = _whole_word(short, flags).sub(f"{short} ({long})", text)
    return text


@cache
def _whole_word(word: str, flags: int) -> re.Pattern[str]:
    # Compiled once: a bank's acronyms outnumber the slots of re's own pattern cache.
    return re.compile(rf"\b{re.escape(word)}s?\b", flags)


_PLAIN_DENIALS = frozenset({"no", "not", "never", "cannot", "none"})


def lexical_stem(word: str) -> str:
    """A word's stem for matching rubric phrases, every plain denial the same one: "no exact
    rule" is stated by "there is not an exact rule" and "there isn't any exact rule"."""
    return "not" if word in _PLAIN_DENIALS or word.endswith("n't") else stem(word)


def lexical_terms(text: str) -> set[str]:
    """What phrases are matched against: the stems and the words of a sentence."""
    tokens = words(text)
    return {lexical_stem(w) for w in tokens} | set(tokens)


_SCOPE_END = re.compile(
    r"[,;:()]|\b(?:and|but|because|since|so|which|that|while|whereas|or|although|though|if|when)\b"
)
_APPROXIMATORS = frozenset({"almost", "nearly", "virtually", "practically"})
# "activation-free" is "without activations".
_FREE_OF = re.compile(r"\b([A-Za-z]+)-free\b")
# Phrases that deny what follows as "not" does: "cuts down on manual feature engineering"
# says what "no need for manual feature engineering" says.
_DENYING_PHRASES = re.compile(
    r"\b(?:cuts?|cutting) down on\b|\b(?:remov|reduc|eliminat)\w* the need (?:for|of|to)\b"
)
# "learned features instead of manual ones" sets the manual ones aside as a denial would, but
# the sentence still affirms its own claim: it denies nothing outright.
_SETTING_ASIDE = re.compile(r"\b(?:instead of|rather than)\b")
_ASIDE_TOKEN = "instead_of"


def is_negation(token: str) -> bool:
    """Whether a normalised word denies: "not", "never", "barely", "doesn't" ..."""
    return token in NEGATIONS or token.endswith("n't")


def _polarity(text: str) -> tuple[set[str], set[str], bool, set[str]]:
    """(stems that occur only under a negation, all content stems, whether the text denies
    anything at all, stems denied directly) of a text.

    A negation reaches the next three words of its own clause ("does not really overshoot"),
    not past a comma or a connective: in "no issue, since random weights break symmetry" the
    weights are not denied. "Almost no gradient" is a small gradient, not a denied one. A stem
    is denied directly when it is the first content word after the negation ("not tensors",
    "without an activation"), not a word further in its reach ("does not fix gradients").
    """
    negated, plain, denies, direct = set(), set(), False, set()
    text = _FREE_OF.sub(r"without \1", text)
    text = _SETTING_ASIDE.sub(_ASIDE_TOKEN, _DENYING_PHRASES.sub("not", normalise(text)))
    for part in _SCOPE_END.split(text):
        tokens = _WORD.findall(part)
        after_negation = False
        # "no feature dominates": a clause opened by "no" denies what its subject does, not
        # the subject itself.
        subject_pending = tokens[:1] == ["no"]
        for i, token in enumerate(tokens):
            if token == _ASIDE_TOKEN or is_negation(token):
                denies = denies or token != _ASIDE_TOKEN
                after_negation = True
                continue
            if token in STOP_WORDS:
                continue
            if subject_pending:
                plain.add(plain_stem(token))
                subject_pending = after_negation = False
                continue
            window = tokens[max(0, i - 3) : i]
            under = any(
                (t == _ASIDE_TOKEN or is_negation(t))
                and not (k > 0 and window[k - 1] in _APPROXIMATORS)
                for k, t in enumerate(window)
            )
            (negated if under else plain).add(plain_stem(token))
            if under and after_negation:
                direct.add(plain_stem(token))
            after_negation = False
    return negated - plain, negated | plain, denies, direct


def negated_stems(text: str) -> set[str]:
    """The stems a text uses only under a negation ("is not a linear model": linear, model)."""
    return _polarity(text)[0]


def polarity_flipped(
    sentence: str, statement: str, asserted: str | None = None, topic: frozenset[str] = frozenset()
) -> bool:
    """True when the sentence looks like the statement's opposite.

    Either a word they share is negated in one and not in the other ("overshoots" against
    "does not overshoot"), or the sentence uses the antonym of a word the statement asserts
    without the word itself (high against low). `asserted` is the part of the statement that
    asserts (its contrast clause left out): "nonlinear ... instead of a purely linear mapping"
    asserts nonlinearity, and a sentence keeping the network "linear" says its opposite.
    """
    neg_s, all_s, denies_s, direct_s = _polarity(sentence)
    neg_t, all_t, denies_t, direct_t = _polarity(statement)
    # Two denials say the same thing in other words ("no exact rule for the number of
    # neurons", "no formula and no magic number"): only a denial on one side flips.
    differ = {w for w in all_s & all_t if (w in neg_s) != (w in neg_t)}
    # Against a statement that denies, a plain sentence flips it only by affirming what is
    # denied itself ("there is a formula"), not a word further in its reach ("no magic
    # number" against "the number of layers is a hyperparameter").
    if denies_t and not denies_s:
        differ &= direct_t
    # The question's own words (`topic`, stems) are in every answer. A denial that meets the
    # statement only in them, and denies words of its own, is about something else: "it does
    # not fix vanishing gradients" (asked about gradient clipping) against "clipping guards
    # against exploding gradients". "Scalars are not tensors", "networks without activations"
    # deny the topic word itself.
    if differ <= topic and not differ & direct_s and neg_s - topic - all_t:
        differ = set()
    if denies_s != denies_t and differ:
        return True
    # Compared by stem, so "non-linearity" meets "linear" and "overfits" meets "underfit";
    # but an adjective in -able is its own word ("comparable" is not "compared").
    said = {_form(w) for w in words(sentence)}
    meant = {_form(w) for w in words(statement if asserted is None else asserted)}
    return any(
        _form(a) in meant and _form(b) in said and _form(a) not in said and _form(b) not in meant
        for a, b in ANTONYMS
    )


def _form(word: str) -> str:
    """A word as antonyms are compared: its stem, or itself for an adjective in -able."""
    return word if word.endswith("able") else stem(word)


def stop_word_ratio(text: str) -> float:
    """Share of function words: prose has many, keyword lists few."""
    tokens = words(text)
    return sum(t in STOP_WORDS for t in tokens) / len(tokens) if tokens else 0.0
