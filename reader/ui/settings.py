"""Every persisted window setting, declared once with its type and default (Picard's way).

Values go through QSettings; a value of the wrong type (an edited or old settings file) reads as
the default instead of breaking the start.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QByteArray, QSettings

T = TypeVar("T")


@dataclass(frozen=True)
class Setting(Generic[T]):
    key: str
    type: type
    default: T


GEOMETRY = Setting("window/geometry", QByteArray, QByteArray())
MAIN_SPLITTER = Setting("window/main_splitter", QByteArray, QByteArray())
LIST_SPLITTER = Setting("window/list_splitter", QByteArray, QByteArray())
LIST_HEADER = Setting("window/list_header", QByteArray, QByteArray())
CURRENT_VIEW = Setting("reading/view", str, "all")
CURRENT_ARTICLE = Setting("reading/article", int, 0)
TEXT_SIZE = Setting("reading/text_size", int, 0)  # steps above/below the default size
SORT_KEY = Setting("list/sort", str, "date")
SORT_DESCENDING = Setting("list/descending", bool, True)
SOURCES_EXPANDED = Setting("sidebar/sources_expanded", bool, False)
KEYMAP: Setting[dict] = Setting("keys/overrides", dict, {})  # command name -> list of key sequences


class Settings:
    """Typed access to a QSettings store."""

    def __init__(self, qsettings: QSettings | None = None) -> None:
        self.q = qsettings if qsettings is not None else QSettings()

    def get(self, setting: Setting[T]) -> T:
        raw: Any = self.q.value(setting.key)
        if raw is None:
            return setting.default
        try:
            return _convert(raw, setting.type)
        except (TypeError, ValueError):
            return setting.default

    def set(self, setting: Setting[T], value: T) -> None:
        if setting.type is dict:
            self.q.setValue(setting.key, json.dumps(value))
        else:
            self.q.setValue(setting.key, value)

    def sync(self) -> None:
        self.q.sync()


def _convert(raw: Any, kind: type) -> Any:
    if kind is bool:
        if isinstance(raw, str):
            if raw.lower() in ("true", "1"):
                return True
            if raw.lower() in ("false", "0"):
                return False
            raise ValueError(raw)
        return bool(raw)
    if kind is int:
        return int(raw)
    if kind is str:
        if not isinstance(raw, str):
            raise TypeError(raw)
        return raw
    if kind is QByteArray:
        if isinstance(raw, QByteArray):
            return raw
        if isinstance(raw, bytes):
            return QByteArray(raw)
        raise TypeError(raw)
    if kind is dict:
        value = json.loads(raw) if isinstance(raw, str) else raw
        if not isinstance(value, dict):
            raise TypeError(raw)
        return value
    raise TypeError(kind)
