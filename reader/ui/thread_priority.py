"""Background work at a lower priority than the window's thread (Linux: each thread has its own
nice value, and the threads and processes it starts inherit it)."""

from __future__ import annotations

import logging
import os
import threading

log = logging.getLogger(__name__)

#: How much nicer than the window a background thread is.
NICE = 10


def lower_this_threads_priority(what: str) -> None:
    """On a busy machine the window's thread goes first: background work has seconds, a frame
    16 ms. ``what`` names the work for the log."""
    try:
        tid = threading.get_native_id()
        if os.getpriority(os.PRIO_PROCESS, tid) < NICE:
            os.setpriority(os.PRIO_PROCESS, tid, NICE)
    except (AttributeError, OSError) as e:  # not Linux, or not allowed: same priority then
        log.debug("%s keeps its priority: %s", what, e)
