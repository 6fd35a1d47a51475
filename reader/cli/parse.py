"""``dispatch parse FILE [--json]``: show how a dump splits into articles."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from reader.core.dumps import LAYOUT_NAMES, DumpError, ParseReport, check_dump, parse_stream
from reader.core.wording import counted


def run(path: Path, *, as_json: bool, layout: str = "auto") -> int:
    """Print the articles of the dump at ``path``: an outline that names the layout and flags
    doubtful articles, or (``as_json``) one JSON object per article per line, with the doubts
    on stderr."""
    report = ParseReport()
    try:
        check_dump(path)
        with open(path, "rb") as f:
            if as_json:
                _write_json(parse_stream(f, layout=layout, report=report))
                warning = report.warning()
                if warning:
                    print(f"dispatch: {path.name}: {warning}", file=sys.stderr)
            else:
                _write_outline(parse_stream(f, layout=layout, report=report), report)
    except DumpError as exc:
        print(f"dispatch: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # `dispatch parse big.txt | head`
        sys.stderr.close()
        return 0
    except OSError as exc:
        print(f"dispatch: {path.name}: cannot be read ({exc.strerror or exc})", file=sys.stderr)
        return 2
    return 0


def _write_json(articles) -> None:
    out = sys.stdout
    dumps = json.JSONEncoder(ensure_ascii=False).encode
    write = out.write
    for article in articles:
        write(dumps(article.to_json()))
        write("\n")
    out.flush()


def _write_outline(articles, report: ParseReport) -> None:
    out = sys.stdout
    n = 0
    for n, a in enumerate(articles, 1):
        if n == 1:
            # The layout is known once the first article is out (it is measured before).
            how = "detected" if report.detected else "as asked"
            line = f"Layout: {LAYOUT_NAMES.get(report.layout, report.layout)} ({how})"
            if report.encoding:
                line += f" · {report.encoding}"
            out.write(line + "\n\n")
        title = a.title or "(no headline)"
        derived = " [title made from the first sentence]" if a.title_derived else ""
        out.write(f"{n}. {title}{derived}\n")
        facts = [x for x in (a.byline, a.published, a.dateline) if x]
        paragraphs = len(a.paragraphs)
        facts.append(counted(paragraphs, "paragraph"))
        facts.append(counted(a.words, "word"))
        out.write(f"   {' · '.join(facts)}\n")
        for doubt in a.doubts():
            out.write(f"   ⚠ {doubt}\n")
        for bullet in a.summary:
            out.write(f"   • {_clip(bullet)}\n")
        for head in a.crossheads:
            out.write(f"   ## {_clip(head)}\n")
        if a.paragraphs:
            out.write(f"   {_clip(a.paragraphs[0])}\n")
        out.write("\n")
    summary = counted(n, "article")
    warning = report.warning()
    if warning:
        summary += f" · {warning} (⚠ above)"
    out.write(summary + "\n")
    out.flush()


def _clip(text: str, width: int = 90) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"
