"""The single-instance hand-over as ``dispatch`` starts: the socket is bound before the window
is built and served after the first paint; launches in between wait and lose nothing."""

from __future__ import annotations

import os
import select
import socket
import stat
import sys
import threading
from pathlib import Path

import pytest

from reader.ui.single_instance import InstanceServer, hand_over, server_name, socket_path

unix_only = pytest.mark.skipif(sys.platform == "win32", reason="Unix-domain sockets")


@pytest.fixture
def name(tmp_path):
    name = server_name(tmp_path / "library.sqlite3") + "-test"
    yield name
    if sys.platform != "win32" and os.path.exists(socket_path(name)):
        os.unlink(socket_path(name))


def _hand_over_in_thread(name: str, files: list[Path]) -> tuple[threading.Thread, list[bool]]:
    """A second launch's hand-over on a thread (the server's loop runs on this one)."""
    result: list[bool] = []
    thread = threading.Thread(target=lambda: result.append(hand_over(name, files)))
    thread.start()
    return thread, result


@unix_only
def test_a_launch_during_start_up_waits_and_its_files_arrive_after_the_first_paint(
    qtbot, name, tmp_path
):
    server = InstanceServer(name)
    assert server.reserve()  # as run() does before the library and the window
    reserved = server._reserved
    assert reserved is not None
    thread, result = _hand_over_in_thread(name, [tmp_path / "a.txt", tmp_path / "b.txt"])
    # The launch's connection is pending in the backlog: the window has not painted yet.
    readable, _, _ = select.select([reserved], [], [], 20)
    assert readable
    assert not result
    with qtbot.waitSignal(server.files_received, timeout=10000) as got:
        assert server.listen()  # the first paint: served from now on
    assert got.args == [[tmp_path / "a.txt", tmp_path / "b.txt"]]
    thread.join(10)
    assert result == [True]
    server.close()


@unix_only
def test_the_socket_is_the_users_alone(name):
    server = InstanceServer(name)
    assert server.reserve()
    mode = os.stat(socket_path(name)).st_mode
    assert stat.S_ISSOCK(mode)
    assert stat.S_IMODE(mode) == 0o600
    server.close()


@unix_only
def test_a_crashed_dispatchs_socket_file_is_replaced(qtbot, name, tmp_path):
    dead = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    dead.bind(socket_path(name))
    dead.close()  # the file stays, nobody listens: what a crash leaves
    assert hand_over(name, [tmp_path / "a.txt"]) is False
    server = InstanceServer(name)
    assert server.reserve()
    thread, result = _hand_over_in_thread(name, [tmp_path / "a.txt"])
    with qtbot.waitSignal(server.files_received, timeout=10000):
        assert server.listen()
    thread.join(10)
    assert result == [True]
    server.close()


def test_closed_before_the_first_paint_leaves_no_socket(name, tmp_path):
    server = InstanceServer(name)
    server.reserve()
    server.close()
    if sys.platform != "win32":
        assert not os.path.exists(socket_path(name))
    assert hand_over(name, [tmp_path / "a.txt"]) is False  # the next launch opens a window


def test_a_bad_message_is_answered_error_and_nothing_is_received(qtbot, name):
    server = InstanceServer(name)
    server.reserve()
    assert server.listen()
    received: list[list[Path]] = []
    server.files_received.connect(received.append)
    answer: list[bytes] = []

    def send() -> None:
        if sys.platform == "win32":
            return
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(10)
            sock.connect(socket_path(name))
            sock.sendall(b"not json\n")
            answer.append(sock.recv(64))

    if sys.platform == "win32":
        pytest.skip("Unix-domain sockets")
    thread = threading.Thread(target=send)
    thread.start()
    qtbot.waitUntil(lambda: bool(answer), timeout=10000)
    thread.join(10)
    assert answer == [b"error\n"]
    assert received == []
    server.close()


@unix_only
def test_a_live_windows_socket_is_not_reserved_from_under_it(qtbot, name):
    first = InstanceServer(name)
    assert first.reserve()
    second = InstanceServer(name)
    assert not second.reserve()  # the first window is starting: its socket stays
    assert not second.listen()
    assert os.path.exists(socket_path(name))
    assert first.listen()
    first.close()
    assert second.reserve()  # its owner gone, the socket is free
    second.close()
