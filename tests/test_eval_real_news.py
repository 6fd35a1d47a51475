"""The real-news labels are well formed, and the bench reads packages as it should (no network).

bench/eval_real_news.py downloads pinned packages at run time; these tests check the labels file it
reads and its readers on small packages made here, so neither can rot between real runs.
"""

from __future__ import annotations

import hashlib
import importlib.util
import io
import json
import re
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from reader.core.sections import DEFAULT_SECTIONS

ROOT = Path(__file__).resolve().parents[1]
LABELS = ROOT / "bench" / "data" / "real_news_labels.json"


def _bench():
    spec = importlib.util.spec_from_file_location(
        "eval_real_news", ROOT / "bench" / "eval_real_news.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("eval_real_news", module)
    spec.loader.exec_module(module)
    return module


ern = _bench()


@pytest.fixture(scope="module")
def labels() -> dict:
    return json.loads(LABELS.read_text(encoding="utf-8"))


def test_every_source_is_a_pinned_package_file_with_pinned_members(labels):
    assert labels["sources"]
    prefixes: list[str] = []
    for key, pin in labels["sources"].items():
        assert pin["registry"] in ("pypi", "debian"), key
        assert re.fullmatch(r"[0-9][\w.+~-]*", pin["version"]), key
        assert pin["version"] in pin["file"], key
        assert pin["licence"].strip(), key
        assert pin["members"], key
        for name, digest in pin["members"].items():
            assert re.fullmatch(r"[0-9a-f]{64}", digest), name
        if pin["registry"] == "pypi":
            assert pin["platform"] and pin["python"], key
        prefixes += pin["ids"]
    assert len(prefixes) == len(set(prefixes))


def test_every_article_has_a_stable_id_a_text_hash_and_known_sections(labels):
    prefixes = {p for pin in labels["sources"].values() for p in pin["ids"]}
    ids = [a["id"] for a in labels["articles"]]
    assert len(ids) == len(set(ids))
    for a in labels["articles"]:
        assert set(a) <= {"id", "sha1", "section", "also", "reuters_topics"}, a["id"]
        assert a["id"].split(":")[0] in prefixes, a["id"]
        assert re.fullmatch(r"[0-9a-f]{40}", a["sha1"]), a["id"]
        assert a["section"] in DEFAULT_SECTIONS, a["id"]
        also = a.get("also", [])
        assert len(also) == len(set(also)) and a["section"] not in also, a["id"]
        assert set(also) <= set(DEFAULT_SECTIONS), a["id"]


def test_the_set_is_big_enough_and_splits_into_two_halves(labels):
    arts = labels["articles"]
    assert len(arts) >= 200
    dev = sum(ern.split_of(a["id"]) == "dev" for a in arts)
    assert 0.4 < dev / len(arts) < 0.6
    assert ern.split_of("lee:001") == ern.split_of("lee:001")
    sections = {a["section"] for a in arts}
    assert len(sections) >= 7


REUTERS = b"""<?xml version="1.0"?>
<REUTERS TOPICS="YES" NEWID="42">
 <TOPICS><D>acq</D></TOPICS>
 <TEXT>
  <TITLE>ACME &lt;ACM&gt; BUYS WIDGET MAKER</TITLE>
  <BODY>Acme Corp said it bought
Widget Co for 10 mln dlrs.
    The company said the deal closes
in April.
 Reuter
\x03</BODY>
 </TEXT>
</REUTERS>
"""


def test_reuters_stories_keep_headline_and_paragraphs_without_the_wire_signoff():
    [item] = ern.reuters_items(REUTERS)
    assert item.id == "reuters21578:42"
    assert item.title == "ACME <ACM> BUYS WIDGET MAKER"
    assert item.paragraphs == (
        "Acme Corp said it bought Widget Co for 10 mln dlrs.",
        "The company said the deal closes in April.",
    )


def test_lee_lines_become_headline_less_articles_that_get_the_parsers_headline():
    items = list(
        ern.lee_items(
            "x/lee.cor", "First story. It goes on.\n\nSecond caf\xe9.\n".encode("latin-1")
        )
    )
    assert [i.id for i in items] == ["lee:000", "lee:002"]
    assert items[1].paragraphs == ("Second café.",)
    article = ern.as_article(items[0])
    assert article.title == "First story." and article.title_derived


def test_exact_repeats_count_once():
    a = ern.NewsItem("lee:000", "lee", "", ("Same text.",))
    b = ern.NewsItem("lee:001", "lee", "", ("Same text.",))
    c = ern.NewsItem("lee:002", "lee", "", ("Other text.",))
    assert ern.unique([a, b, c, a]) == [a, c]


def _deb(path: Path, files: dict[str, bytes]) -> None:
    """A minimal .deb: an ar archive with a data.tar.xz."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:xz") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo("./" + name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    members = [(b"debian-binary", b"2.0\n"), (b"data.tar.xz", buf.getvalue())]
    out = bytearray(b"!<arch>\n")
    for name, data in members:
        header = name.ljust(16) + b"0".ljust(12) + b"0".ljust(6) + b"0".ljust(6)
        header += b"100644".ljust(8) + str(len(data)).encode().ljust(10) + b"`\n"
        out += header + data + (b"\n" if len(data) % 2 else b"")
    path.write_bytes(bytes(out))


def test_pinned_files_are_read_from_a_debian_package_and_checked(tmp_path: Path):
    text = b"A line of news.\n"
    _deb(tmp_path / "pkg_1.0-1_all.deb", {"usr/share/x/lee.cor": text, "usr/share/y": b"no"})
    pin = {
        "registry": "debian", "package": "pkg", "version": "1.0-1", "file": "pkg_1.0-1_all.deb",
        "members": {"usr/share/x/lee.cor": hashlib.sha256(text).hexdigest()},
    }  # fmt: skip
    assert ern.fetch_source(pin, tmp_path) == {"usr/share/x/lee.cor": text}
    pin["members"]["usr/share/x/lee.cor"] = "0" * 64
    with pytest.raises(ern.FetchError, match="not the pinned file"):
        ern.fetch_source(pin, tmp_path)


def test_pinned_files_are_read_from_a_wheel_and_a_missing_one_is_named(tmp_path: Path):
    with zipfile.ZipFile(tmp_path / "pkg-1.0-py3-none-any.whl", "w") as z:
        z.writestr("pkg/data/lee.cor", "News.\n")
    pin = {
        "registry": "pypi", "package": "pkg", "version": "1.0", "platform": "any",
        "python": "3.11", "file": "pkg-1.0-py3-none-any.whl",
        "members": {"pkg/data/lee.cor": hashlib.sha256(b"News.\n").hexdigest()},
    }  # fmt: skip
    assert ern.fetch_source(pin, tmp_path) == {"pkg/data/lee.cor": b"News.\n"}
    pin["members"]["pkg/data/gone.cor"] = "0" * 64
    with pytest.raises(ern.FetchError, match=r"has no pkg/data/gone\.cor"):
        ern.fetch_source(pin, tmp_path)
