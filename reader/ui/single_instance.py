"""One window per library: a second launch hands its files to the running one and exits.

Double-clicking dumps in a file manager starts ``dispatch FILE`` each time; without this, every
double-click would open another window writing to the same library. The running window listens
on a local socket named after the user and the library; a new launch that reaches it sends the
files as one JSON line, waits for the answer, and exits.

A busy window (a long import commit, a huge article) may not answer for seconds. That never
makes a second window: once the files are written to a live socket they are the running
window's, however late it reads them (so they are imported exactly once), and the socket is
removed only when the lock file beside it shows that its owner process is gone.

On Unix the local socket is a Unix-domain socket in Qt's temporary folder, which Python reaches
without QtNetwork (13 ms of a start): a launch asks with :mod:`socket`, and the starting window
binds its socket before it builds the window (:meth:`InstanceServer.reserve`) but serves it
only after the first paint (:meth:`InstanceServer.listen`). Launches in between wait in the
socket's backlog, as they would for a busy window. On Windows the local socket is a named pipe,
reached through QtNetwork.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sys
import zlib
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QLockFile, QObject, Signal

if TYPE_CHECKING:
    import _socket

    from PySide6.QtNetwork import QLocalServer, QLocalSocket

log = logging.getLogger(__name__)

_CONNECT_MS = 2000  # a live server's socket accepts in the kernel, even while its window is busy
_ANSWER_MS = 30000  # how long a launch waits for a busy window's "ok" before leaving anyway
_MAX_MESSAGE = 1 << 20
_BACKLOG = 50
_NO_ANSWER = b"\n"  # what the senders return when no answer came in time (never an answer line)
#: Whether the local socket is a Unix-domain socket that Python reaches without QtNetwork.
UNIX_SOCKETS = sys.platform != "win32"


def temp_path() -> str:
    """``QDir.tempPath()``: the folder of Qt's local sockets.

    On Unix other than macOS, Qt's rule (TMPDIR, else /tmp, cleaned) is followed here: naming
    QDir made its type and enums, 4M instructions of every start. Elsewhere Qt answers.
    """
    if not UNIX_SOCKETS or sys.platform == "darwin":
        from PySide6.QtCore import QDir

        return QDir.tempPath()
    path = os.path.normpath(os.environ.get("TMPDIR") or "/tmp")
    return path[1:] if path.startswith("//") else path  # cleanPath keeps one leading slash


def lock_path(name: str) -> str:
    """The lock file held by the window that owns socket ``name`` (beside Qt's socket files)."""
    return str(Path(temp_path()) / f"{name}.lock")


def socket_path(name: str) -> str:
    """The file of the local socket ``name`` on Unix: where QLocalServer puts it."""
    return os.path.join(temp_path(), name)


def server_name(library_path: Path) -> str:
    """A socket name unique to this user and this library file.

    Two checksums of the key, not a hash from hashlib: that loads OpenSSL (3 ms of a start),
    and the name needs to tell libraries apart, not to keep a secret.
    """
    import getpass

    key = f"{getpass.getuser()}\0{Path(library_path).expanduser().resolve()}".encode()
    return f"dispatch-{zlib.crc32(key):08x}{zlib.adler32(key):08x}"


def hand_over(name: str, files: list[Path], answer_ms: int = _ANSWER_MS) -> bool:
    """Give ``files`` to a running Dispatch; False when none is listening on ``name``.

    True as soon as the message is written to a live server: it reads it when its event loop is
    free. Starting a second window because the first was slow to answer is what imported a
    handed-over dump twice.
    """
    message = (json.dumps({"files": [str(Path(f).absolute()) for f in files]}) + "\n").encode()
    send = _send_unix if UNIX_SOCKETS else _send_qt
    answer = send(name, message, answer_ms)
    if answer is None:
        return False
    if answer == _NO_ANSWER:
        # Written to a live socket: the files are the running window's now.
        log.warning("the running Dispatch is busy; it will import the files when free")
        return True
    if answer != b"ok":
        log.warning("the running Dispatch refused the hand-over: %r", answer)
    return answer == b"ok"


def _unix_socket():
    """A Unix-domain stream socket from :mod:`_socket`, the C module under :mod:`socket`:
    every start asks, and :mod:`socket` itself (its enums, selectors) costs 3 ms to import."""
    import _socket

    return _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)


def _send_unix(name: str, message: bytes, answer_ms: int) -> bytes | None:
    """``message`` over the Unix-domain socket ``name``: the answer's first line, _NO_ANSWER
    when none came in time, None when nobody took the message."""
    sock = _unix_socket()
    try:
        sock.settimeout(_CONNECT_MS / 1000)
        try:
            sock.connect(socket_path(name))
            sock.sendall(message)
        except OSError:  # nobody listens (no socket, or a dead owner's): start a window
            return None
        sock.settimeout(answer_ms / 1000)
        answer = b""
        try:
            while b"\n" not in answer:
                chunk = sock.recv(64)
                if not chunk:
                    break
                answer += chunk
        except TimeoutError:
            return _NO_ANSWER
        except OSError:
            return None
    finally:
        sock.close()
    return answer.split(b"\n", 1)[0].strip()


def _send_qt(name: str, message: bytes, answer_ms: int) -> bytes | None:
    """As :func:`_send_unix`, through QtNetwork (a named pipe on Windows)."""
    from PySide6.QtNetwork import QLocalSocket

    socket = QLocalSocket()
    socket.connectToServer(name)
    if not socket.waitForConnected(_CONNECT_MS):
        return None
    socket.write(message)
    while socket.bytesToWrite() > 0:
        if not socket.waitForBytesWritten(_CONNECT_MS):
            log.warning("the running Dispatch did not take the files' names")
            return None
    while socket.bytesAvailable() == 0:
        if not socket.waitForReadyRead(answer_ms):
            return _NO_ANSWER
    answer = bytes(socket.readAll().data()).strip()
    socket.disconnectFromServer()
    return answer


class InstanceServer(QObject):
    """Listens for later launches; emits the files each of them hands over."""

    files_received = Signal(list)  # list[Path]; empty when a launch only asked to show the window

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self._server: QLocalServer | None = None  # made by listen(): QtNetwork after the paint
        self._reserved: _socket.socket | None = None
        self._buffers: dict[QLocalSocket, bytearray] = {}
        self._lock = QLockFile(lock_path(name))
        self._lock.setStaleLockTime(0)  # stale only when its process is gone, however old

    def reserve(self) -> bool:
        """Own the socket now, without QtNetwork (Unix): later launches wait in its backlog
        until :meth:`listen` serves them. False when another live window owns it, or when it
        cannot be bound (then :meth:`listen` tries as usual)."""
        if self._reserved is not None:
            return True
        if not UNIX_SOCKETS or not self._lock.tryLock(0):
            return False
        path = socket_path(self.name)
        sock = _unix_socket()
        try:
            try:
                sock.bind(path)
            except OSError:
                # We hold the lock, so the socket file is a dead window's: remove it.
                os.unlink(path)
                sock.bind(path)
            os.chmod(path, 0o600)  # this user only (QLocalServer's UserAccessOption), set
            sock.listen(_BACKLOG)  # before listen() so that nobody else connects in between
        except OSError as e:
            log.warning("cannot bind the single-instance socket %s: %s", path, e)
            sock.close()
            self._lock.unlock()
            return False
        self._reserved = sock
        return True

    def listen(self) -> bool:
        """Own and serve the socket; False (and nothing removed) while another live window
        owns it."""
        from PySide6.QtNetwork import QLocalServer

        if self._server is None:
            self._server = QLocalServer(self)
            self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
            self._server.newConnection.connect(self._on_connection)
        reserved, self._reserved = self._reserved, None
        if reserved is not None:
            if self._server.listen(reserved.detach()):
                return True
            self._lock.unlock()
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
        for socket in list(self._buffers):  # none of their signals reaches Python any more
            socket.blockSignals(True)
            socket.abort()
        self._buffers.clear()
        if self._reserved is not None:  # closed before the first paint: never served
            self._reserved.close()
            self._reserved = None
            with contextlib.suppress(OSError):
                os.unlink(socket_path(self.name))
        if self._server is not None:
            self._server.close()
        if self._lock.isLocked():
            self._lock.unlock()

    def _on_connection(self) -> None:
        assert self._server is not None
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
