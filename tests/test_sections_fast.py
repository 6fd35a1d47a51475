"""The classifier's fast paths against the plain ways they replace: same counts, same sums.

Each fast path (spacing an ASCII text's fields without splitting it into words, the evidence
loop that leaves the reasons' bookkeeping to the chosen section) is checked here against the
straightforward code it stands for, on generated text and term counts.
"""

from __future__ import annotations

import math
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.core.section_terms import _SEPARATOR, TITLE_WEIGHT, _fields
from reader.core.sections import DEFAULT_SECTIONS, Classifier, Example, Knowledge

_CLF = Classifier.default()
_TERMS = sorted(_CLF._table)
_MULTI = sorted(_CLF._multi)


def _split_fields(folded: str) -> list[str] | None:
    """What analyse() did before _fields: split into words, find the separators, join again."""
    seq = folded.split()
    if seq.count(_SEPARATOR) != 2:
        return None
    a = seq.index(_SEPARATOR)
    b = seq.index(_SEPARATOR, a + 1)
    return [f" {'  '.join(part)} " for part in (seq[:a], seq[a + 1 : b], seq[b + 1 :])]


_ASCII_FOLDED = st.lists(
    st.sampled_from(["a", "b", "z9", "prime", "minister", _SEPARATOR, "x" + _SEPARATOR])
    | st.sampled_from([" ", "  ", "   ", "     "]),
    max_size=30,
).map(lambda parts: " ".join(parts))


@settings(max_examples=400, derandomize=True)
@given(_ASCII_FOLDED)
def test_the_spaced_fields_are_the_split_fields(folded: str) -> None:
    expected = _split_fields(folded)
    got = _fields(folded)
    if expected is None:
        assert got is None
    else:
        assert got is not None
        # A field without words is "" instead of "  ": neither holds a term.
        assert [g or "  " for g in got] == expected


# Words the knowledge knows, its short forms, punctuation, accents and odd white space.
_PIECES = st.sampled_from(
    [
        *_TERMS[::97],
        *_MULTI[:20],
        "US",
        "UK",
        "WHO",
        "IT",
        "us",
        "USA",
        "Prime Minister",
        "prime  minister",
        "World Cup",
        "Dončić",
        "Women's",
        "Ⅻ",
        "ﬁnal",
        "ͺ",
        _SEPARATOR,
        _SEPARATOR.upper(),
    ]
) | st.sampled_from(list(" ,.;:-'\"()\n\t\x1c\x85“”‘’—–…«»\u00a0\u2009\u200b\u2028éß½漢"))
_TEXTS = st.lists(_PIECES, max_size=40).map("".join)


@settings(max_examples=400, derandomize=True, deadline=None)
@given(_TEXTS, st.lists(_TEXTS, max_size=2), _TEXTS)
def test_the_fast_analysis_counts_as_the_word_path(title, summary, body) -> None:
    tokenizer = _CLF._tokenizer
    fast = tokenizer.analyse(title, summary, body)
    words = tokenizer.analyse(title, summary, body, keep_words=True)  # the split path
    assert list(fast.counts.items()) == list(words.counts.items())  # the order too
    assert (fast.written, fast.folded) == (words.written, words.folded)


def _old_evidence(clf: Classifier, counts: Counter[str]) -> tuple[list[float], list[list]]:
    """The evidence loop as it was: every term's (-added, term) kept for every section."""
    n = len(clf._sections)
    totals = [0.0] * n
    added: list[list] = [[] for _ in range(n)]
    multi = counts.keys() & clf._multi_terms if clf._multi_terms else None
    for term, count in counts.items():
        if multi and term in multi:
            continue
        i = clf._section_of[term]
        v = clf._weight[term] * math.log2(1 + count)
        totals[i] += v
        added[i].append((-v, term))
    for term in multi or ():
        g = math.log2(1 + counts[term])
        for i, w in clf._multi[term]:
            totals[i] += w * g
            added[i].append((-(w * g), term))
    return totals, added


_COUNTS = st.lists(
    st.tuples(st.sampled_from(_TERMS[::13] + _MULTI), st.integers(1, 400)), max_size=40
).map(lambda pairs: Counter(dict(pairs)))


@pytest.mark.parametrize("taught", [False, True])
@settings(max_examples=300, derandomize=True, deadline=None)
@given(counts=_COUNTS)
def test_the_evidence_and_what_each_term_added_are_the_plain_loop_s(taught, counts) -> None:
    clf = _CLF
    if taught:
        clf = _CLF.with_examples(
            [Example("Middle East", "Gaza ceasefire talks", [], "Israel Hamas hostages")] * 2
        )
    totals, _, multi = clf._evidence(counts)
    old_totals, old_added = _old_evidence(clf, counts)
    assert totals[: len(old_totals)] == old_totals  # to the last bit
    for i in range(len(old_totals)):
        assert sorted(clf._added(counts, i, multi)) == sorted(old_added[i])


@settings(max_examples=300, derandomize=True)
@given(st.lists(st.sampled_from(_MULTI + _TERMS[:50]), unique=True, max_size=25))
def test_the_terms_of_several_sections_come_in_the_old_set_s_order(terms) -> None:
    counts = Counter(dict.fromkeys(terms, 1))
    assert list(_CLF._multi_found(counts)) == list(counts.keys() & _CLF._multi_terms)


def test_a_pickled_classifier_orders_the_terms_of_several_sections_by_its_own_set():
    import pickle

    knowledge = Knowledge(
        list(DEFAULT_SECTIONS),
        {f"t{k}": {0: 1.0, 1 + k % 5: 2.0} for k in range(40)},
        {},
        {},
    )
    copy = pickle.loads(pickle.dumps(Classifier(knowledge)))
    counts = Counter({f"t{k}": TITLE_WEIGHT for k in range(0, 40, 3)})
    assert list(copy._multi_found(counts)) == list(counts.keys() & copy._multi_terms)
    assert copy.classify("t0 t3 t6", [], "t9") == Classifier(knowledge).classify(
        "t0 t3 t6", [], "t9"
    )


_CASED = {"US": "united states", "WHO": "world health organization", "IT": "information technology"}
_CASED_TEXT = st.lists(
    st.sampled_from(["US", "WHO", "IT", "USA", "UST", "I", "T", "us", "Who", "x"])
    | st.sampled_from([" ", "  ", "\t"]),
    max_size=12,
).map("".join)


@settings(max_examples=400, derandomize=True)
@given(_CASED_TEXT)
def test_the_one_pass_form_check_expands_as_the_loop(written: str) -> None:
    from reader.core.section_terms import _expand_and_fold, _not_form_bytes

    not_forms = _not_form_bytes(_CASED)
    assert not_forms is not None
    assert _expand_and_fold(written, _CASED, not_forms) == _expand_and_fold(written, _CASED)


def test_forms_with_spaces_or_beyond_ascii_are_checked_by_the_loop() -> None:
    from reader.core.section_terms import _not_form_bytes

    assert _not_form_bytes({"A B": "x"}) is None and _not_form_bytes({"É": "x"}) is None


def _old_spaced_text(text: str) -> str:
    """_spaced_text as it was: ASCII punctuation to spaces first, then the marks beyond ASCII."""
    from reader.core.section_terms import _ASCII_SPACES, _PUNCTUATION, _WORD

    try:
        spaced = text.encode("utf-8").translate(_ASCII_SPACES).decode("utf-8")
    except UnicodeError:
        return " ".join(_WORD.findall(text))
    if spaced.isascii():
        return spaced
    for mark in _PUNCTUATION:
        if mark in spaced:
            spaced = spaced.replace(mark, " ")
    if spaced.isascii():
        return spaced
    words = spaced.split()
    return " ".join(
        [part for word in words for part in ((word,) if word.isascii() else _WORD.findall(word))]
    )


_SPACED_TEXT = st.text(
    alphabet=st.sampled_from(
        list("aZ09 _-'.,\n\t\x1c\x85") + list("“”‘’—–…«»\u00a0\u2009\u200b\u2028éçńØß²½ー漢\ud800")
    )
    | st.characters(),
    max_size=60,
)


@settings(max_examples=500, derandomize=True)
@given(_SPACED_TEXT)
def test_the_marks_first_give_the_same_spaced_text(text: str) -> None:
    from reader.core.section_terms import _spaced_text

    assert _spaced_text(text) == _old_spaced_text(text)
