"""Render resources/icons/dispatch.svg into the PNG, .ico and .icns files that are committed.

Run after editing the SVG:  .venv/bin/python packaging/make_icons.py

Qt (already a dependency) renders the SVG, so no image library is needed; the .ico and
.icns containers are simple enough to write here, and the script reads each one back
through Qt's own ico/icns image plugins to prove it is well formed.
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QGuiApplication, QImage, QImageReader, QPainter
from PySide6.QtSvg import QSvgRenderer

ICONS = Path(__file__).resolve().parents[1] / "resources" / "icons"
SVG = ICONS / "dispatch.svg"
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
# (OSType, pixel size) as written by Apple's iconutil / Pillow: PNG payloads throughout.
ICNS_TYPES = (
    (b"icp4", 16),
    (b"ic11", 32),
    (b"icp5", 32),
    (b"ic12", 64),
    (b"ic07", 128),
    (b"ic13", 256),
    (b"ic08", 256),
    (b"ic14", 512),
    (b"ic09", 512),
    (b"ic10", 1024),
)


def render(renderer: QSvgRenderer, size: int) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter)
    painter.end()
    return image.convertToFormat(QImage.Format.Format_ARGB32)


def png_bytes(image: QImage) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):
        raise RuntimeError("Qt could not encode a PNG")
    buffer.close()
    return bytes(data.data())


def dib_bytes(image: QImage) -> bytes:
    """A 32-bit BMP (DIB) icon entry: the format every Windows version reads below 256 px."""
    w, h = image.width(), image.height()
    header = struct.pack("<IiiHHIIiiII", 40, w, h * 2, 1, 32, 0, 0, 0, 0, 0, 0)
    rows = []
    for y in reversed(range(h)):  # DIBs are stored bottom-up
        line = image.constScanLine(y)
        rows.append(bytes(line)[: w * 4])  # ARGB32 in memory on little-endian: B G R A
    mask_row = b"\x00" * (((w + 31) // 32) * 4)  # alpha channel is used; AND mask all clear
    return header + b"".join(rows) + mask_row * h


def write_ico(images: dict[int, QImage], path: Path) -> None:
    entries = []
    for size in ICO_SIZES:
        payload = png_bytes(images[size]) if size >= 256 else dib_bytes(images[size])
        entries.append((size, payload))
    offset = 6 + 16 * len(entries)
    out = [struct.pack("<HHH", 0, 1, len(entries))]
    blobs = []
    for size, payload in entries:
        dim = 0 if size >= 256 else size
        out.append(struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(payload), offset))
        offset += len(payload)
        blobs.append(payload)
    path.write_bytes(b"".join(out) + b"".join(blobs))


def write_icns(images: dict[int, QImage], path: Path) -> None:
    chunks = [(ostype, png_bytes(images[size])) for ostype, size in ICNS_TYPES]
    # No 'TOC ' block: it is optional, and Qt's reader rejects the one iconutil would write.
    body = b"".join(ostype + struct.pack(">I", len(data) + 8) + data for ostype, data in chunks)
    path.write_bytes(b"icns" + struct.pack(">I", len(body) + 8) + body)


def check_container(path: Path, fmt: bytes, expected: int) -> None:
    reader = QImageReader(str(path), fmt)
    count = reader.imageCount()
    if count < expected:
        raise RuntimeError(f"{path.name}: Qt reads {count} images, expected {expected}")
    for i in range(count):
        reader.jumpToImage(i)
        if reader.read().isNull():
            raise RuntimeError(f"{path.name}: image {i} unreadable: {reader.errorString()}")


def main() -> int:
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841
    renderer = QSvgRenderer(str(SVG))
    if not renderer.isValid():
        print(f"cannot render {SVG}", file=sys.stderr)
        return 1
    sizes = sorted({*PNG_SIZES, *ICO_SIZES, *(s for _, s in ICNS_TYPES)})
    images = {size: render(renderer, size) for size in sizes}
    for size in PNG_SIZES:
        target = ICONS / f"dispatch-{size}.png"
        target.write_bytes(png_bytes(images[size]))
        print(f"wrote {target.relative_to(ICONS.parent.parent)}")
    write_ico(images, ICONS / "dispatch.ico")
    check_container(ICONS / "dispatch.ico", b"ico", len(ICO_SIZES))
    print("wrote resources/icons/dispatch.ico (read back by Qt)")
    write_icns(images, ICONS / "dispatch.icns")
    check_container(ICONS / "dispatch.icns", b"icns", len(ICNS_TYPES))
    print("wrote resources/icons/dispatch.icns (read back by Qt)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
