"""An import row's text columns against the plain ways they were worked out before.

body_text, fingerprint and words run for every imported article; their quicker forms (one
UTF-8 walk for fingerprint and words, a single join when no block needs marking) must give the
same values, checked here against the old code on generated articles.
"""

from __future__ import annotations

from hashlib import blake2b

from hypothesis import given, settings
from hypothesis import strategies as st

from reader.core.article import Article, blocks_to_text, text_to_blocks
from reader.core.import_rows import (
    RowSpec,
    fingerprint_and_words,
    make_row,
    make_rows,
    text_columns,
)


def _old_words(a: Article) -> int:
    return sum(s.count(" ") + 1 for s in a.summary) + sum(
        text.count(" ") + 1 for _, text in a.blocks
    )


def _old_fingerprint(a: Article) -> str:
    text = "\x1e".join((a.title, *a.summary, *(text for _, text in a.blocks)))
    return blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


def _old_blocks_to_text(blocks: list) -> str:
    out = []
    for kind, text in blocks:
        if kind == "h":
            out.append("## " + text)
        elif text.startswith(("#", "\\")):
            out.append("\\" + text)
        else:
            out.append(text)
    return "\n\n".join(out)


# Text as dumps hold it: spaces, ASCII and typographic punctuation, marks a paragraph may start
# with ("#", "\"), accents, scripts beyond the first 256 and 65,536 code points.
_TEXT = st.text(
    alphabet=st.sampled_from(list("ab Z9  #\\\n\x1e.,") + list("“”—éß漢😀\u00a0"))
    | st.characters(blacklist_categories=("Cs",)),
    max_size=40,
)
_BLOCKS = st.lists(st.tuples(st.sampled_from(["p", "p", "p", "h"]), _TEXT), max_size=8)
_ARTICLES = st.builds(
    Article,
    title=_TEXT,
    summary=st.lists(_TEXT, max_size=3),
    blocks=_BLOCKS,
)


@settings(max_examples=500, derandomize=True)
@given(_ARTICLES)
def test_body_fingerprint_and_words_are_the_old_ones(a: Article) -> None:
    assert a.body_text == _old_blocks_to_text(a.blocks)
    assert blocks_to_text(a.blocks) == _old_blocks_to_text(a.blocks)
    assert a.fingerprint == _old_fingerprint(a)
    assert a.words == _old_words(a)
    assert fingerprint_and_words(a) == (_old_fingerprint(a), _old_words(a))


@settings(max_examples=200, derandomize=True)
@given(_ARTICLES)
def test_a_row_holds_the_old_columns(a: Article) -> None:
    row = make_row(a, RowSpec(keep=True))
    assert row[3] == _old_blocks_to_text(a.blocks)
    assert row[4] == _old_fingerprint(a)
    assert row[5] == _old_words(a)
    assert row[:9] == text_columns(a)
    assert text_columns(a, words=7, fingerprint="f")[4:6] == ("f", 7)
    assert row[-1] is a


@settings(max_examples=300, derandomize=True)
@given(_BLOCKS)
def test_the_body_text_still_reads_back_as_its_blocks(blocks) -> None:
    # The round trip the marks exist for, whichever path wrote the text.
    plain = [(k, t) for k, t in blocks if t and "\n\n" not in t and not t.startswith("\n")]
    plain = [(k, t) for k, t in plain if not t.endswith("\n")]
    assert text_to_blocks(blocks_to_text(plain)) == plain


@settings(max_examples=300, derandomize=True)
@given(_ARTICLES)
def test_a_piped_row_unpickles_as_the_plain_row(a: Article) -> None:
    import pickle

    piped = pickle.loads(pickle.dumps(RowSpec()))  # as the parsing process receives it
    assert piped.piped and not RowSpec().piped
    row = make_row(a, piped)
    back = pickle.loads(pickle.dumps(row, pickle.HIGHEST_PROTOCOL))
    assert back == make_row(a, RowSpec())
    assert back[3] == _old_blocks_to_text(a.blocks) and type(back[3]) is str


def test_a_spec_keeps_what_it_says_when_sent_to_another_process() -> None:
    import pickle

    spec = pickle.loads(pickle.dumps(RowSpec(keep=True, classify=None)))
    assert (spec.keep, spec.classify, spec.piped) == (True, None, True)


@settings(max_examples=300, derandomize=True)
@given(_BLOCKS)
def test_the_body_in_utf8_is_the_body_text_encoded(blocks) -> None:
    from reader.core.article import blocks_to_utf8

    encoded = [text.encode() for _, text in blocks]
    assert blocks_to_utf8(blocks, encoded) == _old_blocks_to_text(blocks).encode()


@settings(max_examples=100, derandomize=True)
@given(st.lists(_ARTICLES, max_size=8))
def test_a_chunk_classified_together_gives_each_article_its_own_row(articles) -> None:
    # make_rows places a chunk's articles after making their rows: the same rows as one at a time
    seen: list[str] = []

    def classify(a: Article) -> tuple[str, str]:
        seen.append(a.title)
        return ("Long" if len(a.title) > 10 else "Short", a.title[:3])

    spec = RowSpec(classify=classify)
    assert make_rows(articles, spec) == [make_row(a, spec) for a in articles]
    # each article with words classified once, in order; empty ones skipped
    assert seen == [a.title for a in articles if make_row(a, RowSpec())[5]] * 2
    assert make_rows(articles, RowSpec(keep=True)) == [
        make_row(a, RowSpec(keep=True)) for a in articles
    ]


def test_a_classifier_failing_inside_a_chunk_names_the_article() -> None:
    from reader.core.import_rows import ClassifierFailed

    good = Article(title="Fine one", blocks=[("p", "some words here")])
    bad = Article(title="The broken one", blocks=[("p", "more words here")])

    def classify(a: Article) -> tuple[str, str]:
        if a is bad:
            raise RuntimeError("no tables")
        return ("World", "")

    try:
        make_rows([good, bad], RowSpec(classify=classify))
    except ClassifierFailed as e:
        assert "The broken one" in str(e) and "no tables" in str(e)
    else:
        raise AssertionError("the classifier's failure was swallowed")
