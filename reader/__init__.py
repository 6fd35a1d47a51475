"""Dispatch: a desktop reader for plain-text news dumps."""

from __future__ import annotations

APP_NAME = "Dispatch"
APP_ID = "org.dispatchreader.Dispatch"


def __getattr__(name: str) -> str:
    # The version comes from the installed metadata; importlib.metadata costs ~50 ms at start-up,
    # so it is only read when someone asks (--version, Help → About).
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            value = version("dispatch-reader")
        except PackageNotFoundError:  # a source tree that was never installed
            value = "0.0.0+source"
        globals()["__version__"] = value
        return value
    raise AttributeError(f"module 'reader' has no attribute {name!r}")
