"""What a line of a news dump is, read from the line alone: datelines, bylines, date lines,
sign-offs and credits, captions and page boilerplate, separators, bullets.

These are the pieces of "article furniture" that surround the text in scraped pages and wire copy.
They become fields of an article (``byline``, ``published``, ``dateline``) or go to
``Article.dropped``; they are never paragraphs. Whether such a line *also* tells that a new article
starts is decided in ``reader.core.boundaries``, which weighs it with other evidence.
"""

from __future__ import annotations

import re
from datetime import date

# ---------------------------------------------------------------------------------------------
# Separators and bullets

SEPARATOR_CHARS = "-=*_~#•·+"
_SEPARATOR_LINE = re.compile(r"^(?:([-=*_~#•·+])\s?)\1?(?:\s?\1){1,}$")
_BULLET = re.compile(r"^[-•–*·▪] ")
BULLET_CHARS = "-•–*·▪"


def is_separator(line: str) -> bool:
    """ "-----", "* * *", "====", "___" (and the like): a rule between articles or scenes."""
    return line[:1] in SEPARATOR_CHARS and _SEPARATOR_LINE.match(line) is not None


def is_bullet(line: str) -> bool:
    return line[:1] in BULLET_CHARS and _BULLET.match(line) is not None and not is_separator(line)


# ---------------------------------------------------------------------------------------------
# Datelines: the place (and often agency and date) that opens a wire story's lead.
# A place is one to five capitalised words ("Gaza City", "EL SEGUNDO", "Rio de Janeiro"),
# optionally followed by a region or a date ("KYIV, Ukraine", "LONDON, Nov 24"), optionally by an
# agency in brackets, then a colon or a dash.

_PLACE_WORD = r"[A-Z][\w'’.\-]*"
_PLACE_LINK = r"(?:al|el|de|del|des|di|da|do|dos|du|la|le|les|los|las|of|on|upon|am|an|der|sur|y|e)"
_PLACE = rf"{_PLACE_WORD}(?:[ \-](?:{_PLACE_WORD}|{_PLACE_LINK}(?=[ \-][A-Z]))){{0,4}}"
_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_DATE = rf"{_MONTH}\s+\d{{1,2}}(?:,?\s+\d{{4}})?"
_AGENCY = r"\((?:[A-Z][\w&./\- ]{0,24})\)"
# Spaced hyphens or dashes ("LONDON - "), or unspaced em/en dashes ("LONDON—"); never an unspaced
# hyphen ("NEW YORK-based"). A dash at the very end of the line ("TOKYO, March 3 -") counts too.
_SEPARATOR = r"(?:\s+[—–-]{1,2}(?:\s+|$)|\s*[—–]{1,2}\s*)"

_DATELINE_COLON = re.compile(rf"^(?P<dl>{_PLACE}(?:,\s*{_PLACE})?(?:\s+{_AGENCY})?)\s*:\s+(?=\S)")
_DATELINE_DASH = re.compile(
    rf"^(?P<dl>(?P<place>{_PLACE})(?P<extra>(?:,\s*(?:{_DATE}|{_PLACE}))*)"
    rf"(?:\s*(?P<agency>{_AGENCY}))?){_SEPARATOR}"
)
# "(CNN) — Lead": an agency with no place.
_DATELINE_AGENCY = re.compile(rf"^(?P<dl>{_AGENCY}){_SEPARATOR}(?=\S)")
_MAX_DATELINE = 60
_DATE_RE = re.compile(_DATE)
# "Mayor: we will..." is speech, not a dateline: a colon dateline is a place, so its words are
# not speakers' titles.
_SPEAKERS = {
    "q", "a", "mayor", "president", "minister", "chairman", "chair", "ceo", "host", "moderator",
    "interviewer", "reporter", "question", "answer", "note", "editor", "update", "correction",
    "source", "sources", "warning", "analysis", "opinion", "comment", "review", "watch", "listen",
    "read", "related", "photo", "image", "video", "advertisement", "caption", "credit", "by",
    "spokesman", "spokeswoman", "spokesperson", "police", "officials", "witness", "judge",
    "prosecutor", "defence", "defense", "teacher", "student", "doctor", "nurse", "coach",
    "captain", "manager", "senator", "governor", "chancellor", "premier", "king", "queen", "prince",
}  # fmt: skip


def find_dateline(line: str) -> tuple[str, str] | None:
    """(dateline as written, the prefix to strip from the paragraph) or None."""
    c = line[:1]
    if not c or not (c.isupper() or c == "("):
        return None
    head = line[:72]
    if ":" not in head and "-" not in head and "—" not in head and "–" not in head:
        return None  # no colon and no dash near the start: no dateline (most lines)
    # Each pattern needs its separator somewhere in the line (a memchr-speed look first).
    # The colon pattern's colon is the line's first (no place, agency or space holds one), and
    # it comes right after a dateline of at most _MAX_DATELINE characters and any spaces.
    colon = line.find(":")
    m = (
        _DATELINE_COLON.match(line)
        if colon >= 0 and (colon <= _MAX_DATELINE or line[_MAX_DATELINE:colon].isspace())
        else None
    )
    if m:
        dl = m.group("dl")
        if len(dl) <= _MAX_DATELINE and dl.split(",")[0].strip().lower() not in _SPEAKERS:
            return dl, m.group(0)
    m = _DATELINE_DASH.match(line) if "-" in line or "—" in line or "–" in line else None
    if m and m.end() < len(line):
        dl = m.group("dl")
        place = m.group("place")
        # "Trump - who ..." must not pass: a dash dateline needs an agency, a date, or capitals.
        shouty = place.upper() == place and sum(ch.isalpha() for ch in place) >= 2
        dated = bool(_DATE_RE.search(m.group("extra") or ""))
        if len(dl) <= _MAX_DATELINE and (m.group("agency") or shouty or dated):
            return dl, m.group(0)
    if c == "(":
        m = _DATELINE_AGENCY.match(line)
        if m:
            return m.group("dl"), m.group(0)
    return None


# ---------------------------------------------------------------------------------------------
# Dates

_MONTHS = {
    m: i
    for i, names in enumerate(
        (
            ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
            ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
            ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
            ("dec", "december"),
        ),
        1,
    )
    for m in names
}  # fmt: skip
_MON = r"(?P<mon>[A-Za-z]{3,9})\.?"
_DATE_PATTERNS = (
    # March 2, 2019 / Mar. 2 2019
    re.compile(rf"\b{_MON}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year>(?:19|20)\d\d)\b"),
    # 2 March 2019 / 2 Mar, 2019
    re.compile(rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+{_MON},?\s+(?P<year>(?:19|20)\d\d)\b"),
    # 2019-03-02
    re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<mnum>\d\d)-(?P<day>\d\d)\b"),
)


def find_date(text: str) -> str | None:
    """The first full date (with a year) in ``text`` as an ISO date, or None."""
    if "19" not in text and "20" not in text:
        return None  # every pattern needs a year (most datelines have none): memchr-speed looks
    for pattern in _DATE_PATTERNS:
        for m in pattern.finditer(text):
            groups = m.groupdict()
            if groups.get("mnum"):
                month = int(groups["mnum"])
            else:
                month = _MONTHS.get(groups["mon"].lower(), 0)
            try:
                return date(int(groups["year"]), month, int(groups["day"])).isoformat()
            except ValueError:
                continue
    return None


def dateline_date(dateline: str | None) -> str | None:
    """The date a dateline carries, only when it gives the year ("WASHINGTON, Feb 26, 2019")."""
    return find_date(dateline) if dateline else None


_DATE_LINE = re.compile(
    r"^(?:(?:published|updated|posted|first published|last updated|modified|date)\b:?\s*"
    r"(?:on\s+)?)?"
    r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?"
    r"(?:\d{1,2}(?:st|nd|rd|th)?\s+[A-Za-z]{3,9}\.?,?\s+(?:19|20)\d\d"
    r"|[A-Za-z]{3,9}\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+(?:19|20)\d\d"
    r"|(?:19|20)\d\d-\d\d-\d\d)"
    r"(?P<rest>.*)$",
    re.IGNORECASE,
)
_DATE_LINE_REST = re.compile(
    r"^(?:[\s,·|•\-–—/]*"
    r"(?:at\s+)?(?:\d{1,2}[:.]\d\d(?:\s*[ap]\.?m\.?)?(?-i:\s+[A-Z]{2,4})?(?:\s+GMT[+-]?\d*)?"
    r"|\d+\s+min(?:ute)?s?\s+read|updated.*|(?-i:\(?[A-Z]{2,4}\)?)|\d+\s+[a-z]+\s+ago))*[\s.]*$",
    re.IGNORECASE,
)


_HAS_YEAR = re.compile(r"(?:19|20)\d\d")


def date_line(line: str) -> str | None:
    """A line that is only a publication date: "Published 2 March 2019", "Updated 2 Mar 2019,
    5:04 pm ET", "March 2, 2019", "2 March 2019 · 4 min read". Returns the ISO date or None."""
    # (Looking for "19" and "20" first is a memchr-speed scan; the pattern is tried at every place.)
    if len(line) > 90 or not (("19" in line or "20" in line) and _HAS_YEAR.search(line)):
        return None
    # The same date lines come back article after article ("Published 2 March 2019"), and the
    # patterns below cost about 7 us a line: the answers are kept (a bounded dict).
    if line in _DATE_LINES:
        return _DATE_LINES[line]
    m = _DATE_LINE.match(line)
    when = find_date(line) if m is not None and _DATE_LINE_REST.match(m.group("rest")) else None
    if len(_DATE_LINES) >= _MAX_DATE_LINES:
        _DATE_LINES.clear()
    _DATE_LINES[line] = when
    return when


_DATE_LINES: dict[str, str | None] = {}
_MAX_DATE_LINES = 4096


# ---------------------------------------------------------------------------------------------
# Bylines

_NAME = r"(?:[A-Z][\w'’.\-]*|[a-z]{1,3}(?= [A-Z]))"  # "Ann", "O'Neil", "de" (in "Ana de Souza")
_NAMES = rf"{_NAME}(?: {_NAME}){{0,4}}"
_AGENCIES = (
    r"Reuters|AP|AFP|Associated Press|Agence France-Presse|Bloomberg|dpa|DPA|Xinhua|PA|UPI|"
    r"Kyodo|Yonhap|ANSA|EFE|CNN|BBC News|BBC|The Guardian|Guardian staff|Staff|staff writer|"
    r"Staff Writer|Staff Reporter|[A-Z][\w ]{1,30} (?:Correspondent|Editor|Reporter|Writer)"
)
_BYLINE_BY = re.compile(
    rf"^(?:by|from|reporting by|words by|written by|story by)[:\s]+(?P<who>{_NAMES}"
    rf"(?:(?:,| and| &) {_NAMES})*(?:\s*[,|/–—-]\s*[\w.&' ]{{2,40}})?)\s*$",
    re.IGNORECASE,
)
# What every alternative of _AGENCIES ends with (the last one with a staff title).
_AGENCY_ENDINGS = (
    "Reuters", "AP", "AFP", "Associated Press", "Agence France-Presse", "Bloomberg", "dpa", "DPA",
    "Xinhua", "PA", "UPI", "Kyodo", "Yonhap", "ANSA", "EFE", "CNN", "BBC News", "BBC",
    "The Guardian", "Guardian staff", "Staff", "staff writer", "Staff Writer", "Staff Reporter",
    "Correspondent", "Editor", "Reporter", "Writer",
)  # fmt: skip
_BYLINE_AGENCY = re.compile(
    rf"^(?P<who>{_NAMES}(?:(?: and| &) {_NAMES})?\s*[,|/]\s*(?:{_AGENCIES}))$"
)


def byline(line: str) -> str | None:
    """ "By Ann Lee" → "Ann Lee"; "Ann Lee, Reuters", "Ann Lee | AFP" as written; else None."""
    if len(line) > 100 or (line.endswith((".", "?", "!", ":")) and not line.endswith(" Jr.")):
        return None
    if line[:1] not in "BbFfRrWwSs" and "," not in line and "|" not in line and "/" not in line:
        return None  # neither "By …" (or From, Reporting, Words, Written, Story) nor "Name, Agency"
    m = _BYLINE_BY.match(line)
    if m:
        who = m.group("who").strip()
        # "By then the crowd had gone": the words after "By" must look like names.
        first = who.split()[0]
        if first[:1].isupper() and first.lower() not in _NOT_NAMES:
            return who
        return None
    # (That pattern ends with an agency or a staff title at the line's end: asked of a line
    # that ends so. Most lines with a comma are prose, and the pattern tries their words.)
    m = _BYLINE_AGENCY.match(line) if line.endswith(_AGENCY_ENDINGS) else None
    if m and line.split()[0].lower() not in _NOT_NAMES:
        return line
    return None


_NOT_NAMES = {
    "the", "then", "now", "this", "that", "late", "early", "noon", "midday", "monday", "tuesday",
    "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february", "march",
    "april", "may", "june", "july", "august", "september", "october", "november", "december",
    "far", "all", "contrast", "comparison", "default", "law", "design", "car", "train", "air",
    "road", "sea", "phone", "email", "mail", "hand", "night", "day", "lunchtime", "evening",
}  # fmt: skip

# ---------------------------------------------------------------------------------------------
# Sign-offs and credits, captions and photo credits, page boilerplate: all dropped.

_SIGN_OFF = re.compile(
    r"^(?:reuter|reuters|[—–-]{1,2}\s*(?:AP|AFP|Reuters|dpa|Xinhua|Bloomberg|PA|UPI)"
    r"|\((?:reporting|additional reporting|writing|editing|compiled|edited|research)\b[^)]*\)"
    r"|(?:additional reporting|reporting|writing|editing|compiled|edited|research)"
    r" by\b.{0,160}"
    r"|\((?:AP|AFP|Reuters|dpa)\)|(?:AP|AFP)"
    r"|(?:copyright|©|\(c\))\s.{0,120}|all rights reserved\.?"
    r"|[A-Z][\w.]*(?:\s[A-Z][\w.]*){0,3}\s+(?:contributed (?:to )?(?:this )?report(?:ing)?).{0,60}"
    r")\.?$",
    re.IGNORECASE,
)
_CREDIT = re.compile(
    r"^(?:\(?(?:photo|photograph|picture|image|images|video|illustration|graphic|file photo|"
    r"photo credit|image credit|credit|source)s?\s*(?:credit)?\s*[:/|]\s*[^.]{0,100}\)?\.?"
    r"|\(?(?:photo|image|picture)\s+(?:by|courtesy(?: of)?)\s+[^.]{0,80}\)?\.?"
    r"|[A-Z][\w.'\- ]{0,40}\s*/\s*(?:Getty Images|AFP|Reuters|AP|EPA|Shutterstock|Alamy|"
    r"Bloomberg|AFP via Getty Images|[A-Z][\w ]{0,20}Images?)"
    r"|(?:Getty Images|Shutterstock|Alamy|EPA|AP Photo|REUTERS)(?:/[^.]{0,60})?)$",
    re.IGNORECASE,
)
_BOILERPLATE = re.compile(
    r"^(?:advertisement|advertising|sponsored(?: content)?|ad|share|share this(?: article| story)?"
    r"|share (?:on|via|to|with) [\w.]+(?: \w+)?|tweet|email|print|comments?"
    r"|save|save article|listen(?: to this article)?(?:\s*[·|-]?\s*\d+\s*min(?:ute)?s?)?"
    r"|related(?: articles| stories| content| coverage| topics)?:?|more on this story:?"
    r"|read more(?::.{0,200}|\s*[»›>]+)?|see also(?::.{0,200})?|related:.{0,200}|more:.{0,200}"
    r"|also read(?::.{0,200})?|recommended(?::.{0,200})?|click here.{0,200}"
    r"|sign up(?: for| to)?.{0,120}|subscribe(?: now| to)?.{0,120}|follow us on.{0,80}"
    r"|skip (?:to|advertisement).{0,60}|continue reading.{0,60}|story continues below.{0,40}"
    r"|article continues below.{0,40}|scroll to continue.{0,40}|\d+\s*min(?:ute)?s? read"
    r"|image|photo|video|caption|expand|close|menu|home|back to top|top stories|most read"
    r"|loading\.*|you may also like:?|trending:?|newsletter:?.{0,100}"
    r"|\[\s*(?:image|photo|video|ad|advertisement)[^\]]{0,80}\])\s*$",
    re.IGNORECASE,
)


# The first four letters (lower case) that each kind of furniture line can start with: a cheap
# look before the regular expressions, which most lines of a dump would fail anyway.
_SIGN_OFF_STARTS = frozenset(
    ["(c) ", *"reut addi repo writ edit comp rese ap afp ap. afp. copy all".split()]
)
_CREDIT_STARTS = frozenset(
    "phot pict imag vide illu grap file cred sour gett shut alam epa ap p reut".split()
)
_BOILERPLATE_STARTS = frozenset(
    [
        "ad:", "see ", "top ", "you ",
        *"adve spon ad shar twee emai prin comm save list rela more read see also reco clic sign "
        "subs foll skip cont stor arti scro imag phot vide capt expa clos menu home back top most "
        "load you tren news watc".split(),
    ]
)  # fmt: skip


# Which kinds of furniture a line's first four characters allow (the cheap first looks below, which
# read nothing else of the line): worked out once per distinct opening, kept in a bounded dict.
_MAY_BE_BOILERPLATE = 1
_MAY_BE_SIGN_OFF = 2
_MAY_BE_CREDIT = 4
_MAY_BE_BYLINE = 8  # "By …", "From …", "Reporting by …", "Words by …", "Written by …", "Story by …"
_OPENINGS: dict[str, int] = {}
_MAX_OPENINGS = 1 << 16


def _opening(line: str) -> int:
    """The _MAY_BE_* flags of ``line``'s opening (the parser asks for every short line)."""
    key = line[:4]
    flags = _OPENINGS.get(key)
    if flags is None:
        c = key[:1]
        start = key.lower()
        flags = 0
        if (
            c == "["
            or c.isdigit()
            or start in _BOILERPLATE_STARTS
            or start.rstrip(" :") in _BOILERPLATE_STARTS
            or start[:3] in _BOILERPLATE_STARTS
        ):
            flags |= _MAY_BE_BOILERPLATE
        if c in "—–-(©" or start.rstrip(" .") in _SIGN_OFF_STARTS or start in _SIGN_OFF_STARTS:
            flags |= _MAY_BE_SIGN_OFF
        if c == "(" or start.rstrip(":") in _CREDIT_STARTS:
            flags |= _MAY_BE_CREDIT
        if c in "BbFfRrWwSs":
            flags |= _MAY_BE_BYLINE
        if len(_OPENINGS) >= _MAX_OPENINGS:
            _OPENINGS.clear()
        _OPENINGS[key] = flags
    return flags


def is_sign_off(line: str) -> bool:
    """ "Reuter", "(Reporting by …; Editing by …)", "— AP", "Additional reporting by …"."""
    if len(line) > 200:
        return False
    if not _opening(line) & _MAY_BE_SIGN_OFF and "contributed" not in line:
        return False
    return _SIGN_OFF.match(line) is not None


def is_credit(line: str) -> bool:
    """A photo credit: "Photo: Ann Lee/Getty Images", "(Image credit: NASA)"."""
    if len(line) > 140:
        return False
    if "/" not in line and not _opening(line) & _MAY_BE_CREDIT:
        return False
    return _CREDIT.match(line) is not None


def is_boilerplate(line: str) -> bool:
    """Page furniture: "Advertisement", "Share", "Read more: …", "Related:", "Sign up …"."""
    if len(line) > 220 or not _opening(line) & _MAY_BE_BOILERPLATE:
        return False
    return _BOILERPLATE.match(line) is not None


def furniture_of(line: str, credits: bool = True) -> tuple[str, str | None] | None:
    """What furniture ``line`` is, by itself: ("boilerplate" | "sign-off" | "credit", None),
    ("byline", who) or ("date", ISO date); None when it is none of them (``credits``: False to
    leave photo credits out).

    The same tests, in the same order, as is_boilerplate, is_sign_off, is_credit, byline and
    date_line one after another, with their cheap first looks shared: the parser asks this of
    every short line of a dump, and nearly all of them are none of these.
    """
    n = len(line)
    opening = _opening(line)
    if n <= 220 and opening & _MAY_BE_BOILERPLATE and _BOILERPLATE.match(line) is not None:
        return "boilerplate", None
    if (
        n <= 200
        and (opening & _MAY_BE_SIGN_OFF or "contributed" in line)
        and _SIGN_OFF.match(line) is not None
    ):
        return "sign-off", None
    if (
        credits
        and n <= 140
        and (opening & _MAY_BE_CREDIT or "/" in line)
        and _CREDIT.match(line) is not None
    ):
        return "credit", None
    if n > 100:
        return None  # longer than any byline (100) or date line (90)
    # byline() and date_line() asked only when their own first looks would let the line through.
    if opening & _MAY_BE_BYLINE or "," in line or "|" in line or "/" in line:
        who = byline(line)
        if who is not None:
            return "byline", who
    if "19" in line or "20" in line:
        when = date_line(line)
        if when is not None:
            return "date", when
    return None


def is_transcript(line: str) -> bool:
    """ "Mayor: We will reopen…", "Q: Why now?" — speech, never a dateline or a headline cue."""
    # (line.partition(": ") with the speaker at most 40 characters: only the first 42 are
    # searched, and nothing of a long paragraph is copied; it is asked of many.)
    i = line.find(": ", 0, 42)
    if i < 0 or i + 2 == len(line):
        return False
    words = line[:i].split()
    return (
        1 <= len(words) <= 4
        and all(w[:1].isupper() for w in words)
        and line[i + 2 : i + 3].isupper()
    )
