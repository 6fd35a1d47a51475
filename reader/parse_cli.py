"""``dispatch parse FILE [--json]``: show how a dump splits into articles."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from reader.core.dumps import DumpError, check_dump, parse_stream


def run(path: Path, *, as_json: bool, layout: str = "auto") -> int:
    try:
        check_dump(path)
        with open(path, "rb") as f:
            if as_json:
                _write_json(parse_stream(f, layout=layout))
            else:
                _write_outline(parse_stream(f, layout=layout))
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


def _write_outline(articles) -> None:
    out = sys.stdout
    n = 0
    for n, a in enumerate(articles, 1):
        title = a.title or "(no headline)"
        out.write(f"{n}. {title}\n")
        facts = [a.dateline] if a.dateline else []
        paragraphs = len(a.paragraphs)
        facts.append(f"{paragraphs} paragraph{'s' if paragraphs != 1 else ''}")
        facts.append(f"{a.words:,} words")
        out.write(f"   {' · '.join(facts)}\n")
        for bullet in a.summary:
            out.write(f"   • {_clip(bullet)}\n")
        for head in a.crossheads:
            out.write(f"   ## {_clip(head)}\n")
        if a.paragraphs:
            out.write(f"   {_clip(a.paragraphs[0])}\n")
        out.write("\n")
    out.write(f"{n} article{'s' if n != 1 else ''}\n")
    out.flush()


def _clip(text: str, width: int = 90) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"
