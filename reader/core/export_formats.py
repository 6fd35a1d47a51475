"""One article as Markdown, plain text or HTML: what export, print and "Copy as…" write.

Dump text is never markup. HTML escapes every character that means something to HTML; Markdown
puts a backslash before every character that would start markup (emphasis, links, code, inline
HTML, entities) and before what would make a line a heading, list, quote or rule, so that a
Markdown renderer shows the text exactly as the dump had it.

Speed (an export of 100,000 articles is bound by this): the body, nearly all of an article's
bytes, is handled as the UTF-8 bytes SQLite stores (export reads it with ``CAST(body AS BLOB)``),
so it is never decoded nor encoded again; what needs escaping is first looked for with a few
byte searches (memchr), and most bodies need nothing. The short fields (headline, meta line,
summary) are rendered as text.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import NamedTuple, Protocol


class Fields(Protocol):
    """What a renderer reads of an article besides its body (views.ArticleRecord has it)."""

    @property
    def id(self) -> int: ...
    @property
    def title(self) -> str: ...
    @property
    def dateline(self) -> str | None: ...
    @property
    def summary(self) -> str: ...
    @property
    def section(self) -> str: ...
    @property
    def source(self) -> str | None: ...
    @property
    def added_at(self) -> str: ...
    @property
    def published_at(self) -> str | None: ...
    @property
    def byline(self) -> str | None: ...


class ExportRow(NamedTuple):
    """One article as export reads it: what the renderers need, the body as stored (UTF-8)."""

    id: int
    title: str
    dateline: str | None
    summary: str
    section: str
    source: str | None
    added_at: str
    published_at: str | None
    byline: str | None
    body: bytes


FORMATS = ("md", "html", "txt")
EXTENSIONS = {"md": ".md", "html": ".html", "txt": ".txt"}
FORMAT_NAMES = {"md": "Markdown", "html": "HTML", "txt": "Plain text"}
#: Between two articles of one plain-text file: a separator line Dispatch's own import reads as
#: the end of an article, so an exported file can be imported again.
TEXT_SEPARATOR = b"\n" + b"=" * 40 + b"\n\n"
MD_SEPARATOR = b"\n---\n\n"

# Characters that start inline markup anywhere; '&' only when it would make an entity.
_MD_INLINE = re.compile(r"[\\`*_\[\]<>|~]|&(?=#?\w+;)")
_MD_INLINE_B = re.compile(rb"[\\`*_\[\]<>|~]|&(?=#?\w+;)")
_INLINE_BYTES = tuple(bytes([c]) for c in b"\\`*_[]<>|~&")  # '&' last (see _needs_inline)
# Anything in a headline, summary, dateline or name that may need a backslash.
# (A character class alone: alternatives would be tried at every character, several times slower.)
_FIELDS_CHECK = re.compile(r"[\\`*_\[\]<>|~&]")
# What makes a line block markup: a heading, list marker, setext underline, a numbered list.
# ('>', '*', '`' and '~' are escaped wherever they are.)
_MD_LINE = re.compile(r"^(?:([-+=#])|(\d{1,9})(?=[.)]))", re.M)
_MD_LINE_B = re.compile(rb"^(?:([-+=#])|(\d{1,9})(?=[.)]))", re.M)
# The stored body's line starts that need a look (its cross-heads, '## ', are Markdown as they
# are, and a paragraph that starts with '#' or '\' is stored after a '\'). A pattern that
# starts with a literal is searched fast; '^' with re.M is tried at every byte.
_LINE_START_B = re.compile(rb"\n[-+=\\\d]")
_BODY_FIRST = frozenset(b"-+=\\0123456789")
_LINE_FIRST = frozenset("-+=#0123456789")
# In the stored body, after escaping: the storage escape ('\' once doubled) of a paragraph
# that starts with '#' or '\', or a cross-head's '## ' (kept).
_MD_STORED_B = re.compile(rb"^(?:(## )|\\\\)", re.M)
_HEAD = b"\x00"  # stands for a cross-head's '## ' while line starts are escaped
# Plain text: a cross-head's marker and the storage escape, after a line end.
_TEXT_MARKS_B = re.compile(rb"\n(?:## |\\)")
_CROSSHEAD_HTML_B = re.compile(rb"<p>## ([^\n]*?)</p>")


def _line_start(m: re.Match[str]) -> str:
    """A backslash before a line's '-', '+', '=' or '#', or after a list's number ("1\\.")."""
    return "\\" + m.group(1) if m.group(1) is not None else m.group(2) + "\\"


def _line_start_b(m: re.Match[bytes]) -> bytes:
    return b"\\" + m.group(1) if m.group(1) is not None else m.group(2) + b"\\"


def _backslash(m: re.Match[str]) -> str:
    return "\\" + m.group()


def md_inline(text: str, line_start: bool = True) -> str:
    """``text`` with everything that would be Markdown markup escaped (one line or several).

    ``line_start=False`` for text that follows other text on its line (a heading's words after
    '# '), where list markers and numbers mean nothing. Most text needs nothing: one search
    says so (this runs for every headline, summary line and meta line of an export).
    """
    if _MD_INLINE.search(text) is not None:
        text = _MD_INLINE.sub(_backslash, text)
    if line_start and text[:1] in _LINE_FIRST:
        text = _MD_LINE.sub(_line_start, text)
    return text


def _needs_inline(body: bytes) -> bool:
    """Whether any character of inline markup is in ``body``. One ``in`` a character is a
    memchr, which reads many bytes an instruction: eleven of them over a 5 KB article take a
    third of the time of one regular expression or translate pass (most articles have none)."""
    for c in _INLINE_BYTES:
        if c in body:
            return c != b"&" or _MD_INLINE_B.search(body) is not None
    return False


def md_body(body: bytes) -> bytes:
    """The stored body (UTF-8: blank-line paragraphs, '## ' cross-heads) as Markdown."""
    if not body:
        return body
    inline = _needs_inline(body)
    if not inline and body[0] not in _BODY_FIRST and _LINE_START_B.search(body) is None:
        return body  # the common case: nothing to escape, cross-heads already Markdown
    if inline:
        body = _MD_INLINE_B.sub(lambda m: b"\\" + m.group(), body)
    marked = _MD_STORED_B.sub(lambda m: _HEAD if m.group(1) else b"", body)
    return _MD_LINE_B.sub(_line_start_b, marked).replace(_HEAD, b"## ")


def text_body(body: bytes) -> bytes:
    """The stored body as plain text: cross-head markers and storage escapes taken off."""
    if body.startswith((b"## ", b"\\")):
        body = body[3:] if body.startswith(b"## ") else body[1:]
    return _TEXT_MARKS_B.sub(b"\n", body)


def html_body(body: bytes) -> bytes:
    """The stored body as HTML paragraphs and <h2> cross-heads, every character escaped."""
    if b"&" in body:
        body = body.replace(b"&", b"&amp;")
    if b"<" in body:
        body = body.replace(b"<", b"&lt;")
    if b">" in body:
        body = body.replace(b">", b"&gt;")
    text = b"<p>" + body.replace(b"\n\n", b"</p>\n<p>") + b"</p>"
    if b"<p>## " in text:
        text = _CROSSHEAD_HTML_B.sub(rb"<h2>\1</h2>", text)
    return text.replace(b"<p>\\", b"<p>") if b"<p>\\" in text else text


def _meta(a: Fields, escape: Callable[[str], str] = str) -> str:
    """Section · By … · Published or Added (a date) · from (the dump): the fields escaped."""
    meta = escape(a.section)
    if a.byline:
        meta += f" · By {escape(a.byline)}"
    if a.published_at:
        meta += f" · Published {a.published_at[:10]}"
    else:
        meta += f" · Added {a.added_at[:10]}"
    if a.source:
        meta += f" · from {escape(a.source)}"
    return meta


def _md_field(text: str) -> str:
    return md_inline(text, line_start=False)


def _bullets(summary: str) -> list[str]:
    return [b for b in map(str.strip, summary.split("\n")) if b] if summary else []


def _line_only(text: str, line_start: bool = True) -> str:
    """md_inline for text with no inline markup character: only a line start may need one."""
    if line_start and text[:1] in _LINE_FIRST:
        return _MD_LINE.sub(_line_start, text)
    return text


#: An article as the pieces of its UTF-8 text, to be written one after the other: the body is
#: passed through as it came, not copied into a joined string (a copy of everything exported).
Parts = tuple[bytes, bytes, bytes]


def markdown(a: Fields, body: bytes) -> Parts:
    """'#' headline, meta line, summary list, dateline and body, as UTF-8 Markdown."""
    fields = f"{a.title}\n{a.section}\n{a.byline}\n{a.source}\n{a.dateline}\n{a.summary}"
    escape = md_inline if _FIELDS_CHECK.search(fields) is not None else _line_only
    title, dateline = escape(a.title, False), a.dateline and escape(a.dateline, False)
    meta = _meta(a, _md_field) if escape is md_inline else _meta(a)
    head = f"# {title}\n\n*{meta}*\n\n"
    bullets = _bullets(a.summary)
    if bullets:
        head += "\n".join([f"- {escape(b)}" for b in bullets]) + "\n\n"
    text = md_body(body).rstrip() if body else b""
    if dateline:
        lead = f"**{dateline}** —"
        head += f"{lead} " if text and not text.startswith(b"## ") else f"{lead}\n\n"
    return head.encode(), text, b"\n"


def text(a: Fields, body: bytes) -> Parts:
    """Headline, meta line, summary bullets, dateline and paragraphs, as UTF-8 text."""
    head = f"{a.title}\n\n{_meta(a)}\n\n"
    bullets = _bullets(a.summary)
    if bullets:
        head += "\n".join(f"• {b}" for b in bullets) + "\n\n"
    paragraphs = text_body(body).rstrip() if body else b""
    if a.dateline:
        head += f"{a.dateline} — " if paragraphs else a.dateline
    return head.encode(), paragraphs, b"\n"


def html_fragment(a: Fields, body: bytes) -> Parts:
    """An <article> element, every character of the text escaped, as UTF-8."""
    e = html.escape
    head = (
        f'<article id="article-{a.id}">\n<h1>{e(a.title)}</h1>\n<p class="meta">{e(_meta(a))}</p>\n'
    )
    bullets = _bullets(a.summary)
    if bullets:
        head += '<ul class="summary">' + "".join(f"<li>{e(b)}</li>" for b in bullets) + "</ul>\n"
    paragraphs = html_body(body) if body else b""
    if a.dateline:
        lead = f'<span class="dateline">{e(a.dateline)}</span>'
        if paragraphs.startswith(b"<p>"):
            head += f"<p>{lead} — "
            paragraphs = paragraphs[3:]
        else:
            head += f"<p>{lead}</p>\n"
    return head.encode(), paragraphs, b"\n</article>\n"


_RENDER = {"md": markdown, "txt": text, "html": html_fragment}


def renderer(fmt: str) -> Callable[[Fields, bytes], Parts]:
    """The function writing one article in ``fmt`` (one of FORMATS; HTML as a fragment) as
    UTF-8 pieces, from its fields and its stored body's bytes."""
    try:
        return _RENDER[fmt]
    except KeyError:
        raise ValueError(f"unknown format {fmt!r}; one of {', '.join(FORMATS)}") from None


def as_text(a: Fields, body: str, fmt: str) -> str:
    """One article in ``fmt`` as text: "Copy as Markdown", "Copy text"."""
    return b"".join(renderer(fmt)(a, body.encode())).decode()


STYLE = """
body { font-family: Georgia, serif; max-width: 42em; margin: 2em auto; padding: 0 1em;
       line-height: 1.5; color: #222; }
h1 { font-size: 1.6em; line-height: 1.2; margin-bottom: 0.2em; }
h2 { font-size: 1.15em; margin-top: 1.4em; }
.meta { font-family: sans-serif; font-size: 0.85em; color: #555; }
.summary { font-style: italic; }
.dateline { font-family: sans-serif; font-weight: bold; font-size: 0.85em;
            text-transform: uppercase; letter-spacing: 1px; }
article + article { border-top: 1px solid #ccc; margin-top: 2.5em; padding-top: 1em; }
@media print { article + article { break-before: page; border: none; } }
"""


def html_head(title: str) -> bytes:
    return (
        '<!DOCTYPE html>\n<html>\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html.escape(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
    ).encode()


HTML_TAIL = b"</body>\n</html>\n"
