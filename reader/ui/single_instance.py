"""One window per library: a second launch hands its files to the running one and exits.

Double-clicking dumps in a file manager starts ``dispatch FILE`` each time; without this, every
double-click would open another window writing to the same library. The running window listens
on a local socket named after the user and the library; a new launch that reaches it sends the
files as one JSON line, waits for the answer, and exits.
"""

from __future__ import annotations

import getpass
import hashlib
import json
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

_TIMEOUT_MS = 2000
_MAX_MESSAGE = 1 << 20


def server_name(library_path: Path) -> str:
    """A socket name unique to this user and this library file."""
    key = f"{getpass.getuser()}\0{Path(library_path).expanduser().resolve()}"
    return "dispatch-" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def hand_over(name: str, files: list[Path]) -> bool:
    """Give ``files`` to a running Dispatch; False when none is listening on ``name``."""
    socket = QLocalSocket()
    socket.connectToServer(name)
    if not socket.waitForConnected(_TIMEOUT_MS):
        return False
    message = json.dumps({"files": [str(Path(f).absolute()) for f in files]}) + "\n"
    socket.write(message.encode("utf-8"))
    while socket.bytesToWrite() > 0:
        if not socket.waitForBytesWritten(_TIMEOUT_MS):
            return False
    # The answer tells us the running window took the files; without it, start our own window.
    while socket.bytesAvailable() == 0:
        if not socket.waitForReadyRead(_TIMEOUT_MS):
            return False
    answer = bytes(socket.readAll().data()).strip()
    socket.disconnectFromServer()
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

    def listen(self) -> bool:
        if self._server.listen(self.name):
            return True
        # A socket file left by a crashed Dispatch: nobody answered hand_over(), so remove it.
        QLocalServer.removeServer(self.name)
        return self._server.listen(self.name)

    def close(self) -> None:
        self._server.close()

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
