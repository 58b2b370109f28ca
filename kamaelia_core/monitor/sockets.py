"""Opening the monitor's sockets: a listener for viewers, or a connection dialled to a workbench.

Used by ``monitor.link.ViewerLink`` before its thread starts. A listener binds a loopback port or a
Unix socket path (a socket file left by a program that is gone is removed, never a regular file,
never a live program's); a dialled connection is returned only once the workbench has welcomed
it. Every failure is a ``MonitorError`` whose message says why, and leaves no socket open.
"""

from __future__ import annotations

import os
import socket
import stat
from typing import Any

from kamaelia_core.monitor import protocol as proto


class MonitorError(RuntimeError):
    """The monitor cannot start or connect; the message says why."""


def open_listener(address: proto.Address) -> socket.socket:
    """A non-blocking socket listening on ``address`` (a free port when its port is 0).

    Raises:
        MonitorError: It cannot listen there.
    """
    sock = socket.socket(address.family, socket.SOCK_STREAM)
    try:
        if address.path:
            _clear_stale_socket(address.path)
            sock.bind(address.path)
            os.chmod(address.path, 0o600)
        else:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind(address.sockaddr)
        sock.listen(4)
    except OSError as exc:
        sock.close()
        raise MonitorError(f"the monitor cannot listen on {address}: {exc}") from None
    except MonitorError:
        sock.close()
        raise
    sock.setblocking(False)
    return sock


def dial(address: proto.Address, token: str, timeout: float) -> socket.socket:
    """A non-blocking connection to the workbench listening at ``address``, past its handshake.

    Raises:
        MonitorError: It cannot be reached, or it refused us (the message says why).
    """
    sock = socket.socket(address.family, socket.SOCK_STREAM)
    try:
        sock.settimeout(timeout)
        sock.connect(address.sockaddr)
        sock.sendall(proto.encode(proto.hello(token, "program")))
        answer = _read_frame(sock, proto.MAX_HELLO)
    except (OSError, proto.ProtocolError) as exc:
        sock.close()
        raise MonitorError(f"cannot reach the workbench at {address}: {exc}") from None
    if answer.get("type") != "welcome":
        sock.close()
        raise MonitorError(
            f"the workbench at {address} refused this program: "
            f"{answer.get('message', answer.get('type'))}"
        )
    sock.setblocking(False)
    return sock


def peer_name(sock: socket.socket) -> str:
    """``host:port`` of the other end, "unix socket", or "?" once it is gone."""
    try:
        peer = sock.getpeername()
    except OSError:
        return "?"
    return f"{peer[0]}:{peer[1]}" if isinstance(peer, tuple) else "unix socket"


def _read_frame(sock: socket.socket, limit: int) -> dict[str, Any]:
    """Read one frame from a blocking socket (the handshake of connect mode)."""
    reader = proto.LineReader(limit)
    while True:
        data = sock.recv(4096)
        if not data:
            raise proto.ProtocolError("the connection closed during the handshake")
        lines = reader.feed(data)
        if lines:
            return proto.decode(lines[0])


def _clear_stale_socket(path: str) -> None:
    """Remove a Unix socket file left by a process that is gone (never a regular file).

    Raises:
        MonitorError: ``path`` is not a socket, or a live program listens there.
    """
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return
    if not stat.S_ISSOCK(info.st_mode):
        raise MonitorError(f"{path} exists and is not a socket; choose another path")
    probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        probe.connect(path)
    except OSError:
        os.unlink(path)  # nobody listens there any more
        return
    finally:
        probe.close()
    raise MonitorError(f"another program already listens on unix:{path}")
