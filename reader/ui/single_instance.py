"""One window per library: a second launch hands its files to the running one and exits.

Double-clicking dumps in a file manager starts ``dispatch FILE`` each time; without this, every
double-click would open another window writing to the same library. The running window listens
on a local socket named after the user and the library; a new launch that reaches it sends the
files as one JSON line, waits for the answer, and exits.

A busy window (a long import commit, a huge article) may not answer for seconds. That never
makes a second window: once the files are written to a live socket they are the running
window's, however late it reads them (so they are imported exactly once), and the socket is
removed only when the lock file beside it shows that its owner process is gone.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import logging
from pathlib import Path

from PySide6.QtCore import QDir, QLockFile, QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

log = logging.getLogger(__name__)

_CONNECT_MS = 2000  # a live server's socket accepts in the kernel, even while its window is busy
_ANSWER_MS = 30000  # how long a launch waits for a busy window's "ok" before leaving anyway
_MAX_MESSAGE = 1 << 20


def lock_path(name: str) -> str:
    """The lock file held by the window that owns socket ``name`` (beside Qt's socket files)."""
    return str(Path(QDir.tempPath()) / f"{name}.lock")


def server_name(library_path: Path) -> str:
    """A socket name unique to this user and this library file."""
    key = f"{getpass.getuser()}\0{Path(library_path).expanduser().resolve()}"
    return "dispatch-" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def hand_over(name: str, files: list[Path], answer_ms: int = _ANSWER_MS) -> bool:
    """Give ``files`` to a running Dispatch; False when none is listening on ``name``.

    True as soon as the message is written to a live server: it reads it when its event loop is
    free. Starting a second window because the first was slow to answer is what imported a
    handed-over dump twice.
    """
    socket = QLocalSocket()
    socket.connectToServer(name)
    if not socket.waitForConnected(_CONNECT_MS):
        return False  # nobody listens (no socket, or a dead owner's): start a window
    message = json.dumps({"files": [str(Path(f).absolute()) for f in files]}) + "\n"
    socket.write(message.encode("utf-8"))
    while socket.bytesToWrite() > 0:
        if not socket.waitForBytesWritten(_CONNECT_MS):
            log.warning("the running Dispatch did not take the files' names")
            return False
    while socket.bytesAvailable() == 0:
        if not socket.waitForReadyRead(answer_ms):
            # Written to a live socket: the files are the running window's now.
            log.warning("the running Dispatch is busy; it will import the files when free")
            return True
    answer = bytes(socket.readAll().data()).strip()
    socket.disconnectFromServer()
    if answer != b"ok":
        log.warning("the running Dispatch refused the hand-over: %r", answer)
    return answer == b"ok"


class InstanceServer(QObject):
    """Listens for later launches; emits the files each of them hands over."""

    files_received = Signal(list)  # list[Path]; empty when a launch only asked to show the window

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self._server = QLocalServer(self)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self._server.newConnection.connect(self._on_connection)
        self._buffers: dict[QLocalSocket, bytearray] = {}
        self._lock = QLockFile(lock_path(name))
        self._lock.setStaleLockTime(0)  # stale only when its process is gone, however old

    def listen(self) -> bool:
        """Own the socket; False (and nothing removed) while another live window owns it."""
        if not self._lock.tryLock(0):
            # QLockFile removes a lock whose process died; this one's owner is alive.
            log.warning("another Dispatch window owns %s; not listening", self.name)
            return False
        if self._server.listen(self.name):
            return True
        # We hold the lock, so the socket file is a dead window's: remove it.
        QLocalServer.removeServer(self.name)
        if self._server.listen(self.name):
            return True
        self._lock.unlock()
        return False

    def close(self) -> None:
        self._server.close()
        if self._lock.isLocked():
            self._lock.unlock()

    def _on_connection(self) -> None:
        while self._server.hasPendingConnections():
            socket = self._server.nextPendingConnection()
            self._buffers[socket] = bytearray()
            socket.readyRead.connect(lambda s=socket: self._on_ready(s))
            socket.disconnected.connect(lambda s=socket: self._forget(s))

    def _forget(self, socket: QLocalSocket) -> None:
        self._buffers.pop(socket, None)
        socket.deleteLater()

    def _on_ready(self, socket: QLocalSocket) -> None:
        buf = self._buffers.get(socket)
        if buf is None:
            return
        buf += bytes(socket.readAll().data())
        if len(buf) > _MAX_MESSAGE:
            socket.abort()
            return
        if b"\n" not in buf:
            return
        line = bytes(buf).split(b"\n", 1)[0]
        try:
            files = [Path(f) for f in json.loads(line.decode("utf-8"))["files"]]
        except (ValueError, KeyError, TypeError):
            socket.write(b"error\n")
            socket.flush()
            return
        socket.write(b"ok\n")
        socket.flush()
        self.files_received.emit(files)
