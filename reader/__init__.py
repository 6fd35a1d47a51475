"""Dispatch: a desktop reader for plain-text news dumps."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("dispatch-reader")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+source"

APP_NAME = "Dispatch"
APP_ID = "org.dispatchreader.Dispatch"
