"""The monitor's wire format: JSON-line frames between a watched program and a viewer.

Both ends use it: ``kamaelia_core.monitor`` in the program, ``workbench.runtime.remote`` in the
workbench. A frame is one JSON object (ASCII, no newline inside) ending in ``\\n``; its ``type``
says what it is. Events travel in ``events`` frames as arrays in ``Event`` field order, so an
``Event`` round-trips exactly. docs/PROTOCOL.md is the contract; this module holds its constants,
the framing, the address rules (loopback or a Unix socket only) and the token files.
"""

from __future__ import annotations

import hmac
import ipaddress
import json
import os
import secrets
import socket
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kamaelia_core.events import Event, safe_repr

PROTOCOL_VERSION = 1
"""Bumped when a frame changes incompatibly; both ends must speak the same version."""
MAX_FRAME = 16 * 1024 * 1024
"""Longest frame accepted once the peer is authenticated (bytes)."""
MAX_HELLO = 64 * 1024
"""Longest first frame accepted from a peer not yet authenticated (bytes)."""
HANDSHAKE_TIMEOUT = 5.0
"""Seconds a connecting peer has to send its hello."""
MAX_HANDSHAKES = 8
"""Connections allowed in their handshake at once; more are refused ("busy")."""
EVENTS_PER_FRAME = 4096
"""Most events in one ``events`` frame."""
EVENT_FIELDS = len(Event._fields)
COMMANDS = ("pause", "resume", "step", "stop")
"""Commands a viewer may send (``command`` frames)."""
TOKEN_ENV = "KAMAELIA_MONITOR_TOKEN"
SERVE_ENV = "KAMAELIA_MONITOR"
CONNECT_ENV = "KAMAELIA_MONITOR_CONNECT"


class ProtocolError(ValueError):
    """A frame, an address or a token file is not what the protocol allows; says which."""


# -- frames ----------------------------------------------------------------------------------


def encode(frame: dict[str, Any]) -> bytes:
    """One frame as bytes, newline included.

    A value JSON cannot hold (a component's ``live_details`` broke the contract of plain data)
    is sent as its safe repr rather than failing the frame.
    """
    try:
        text = json.dumps(frame, separators=(",", ":"), default=safe_repr)
    except (TypeError, ValueError):  # e.g. a dict with tuple keys: make it plain, then retry
        text = json.dumps(plain(frame), separators=(",", ":"), default=safe_repr)
    return (text + "\n").encode("ascii")


def plain(value: Any) -> Any:
    """``value`` as plain JSON data: dict keys made strings, containers walked, others repr'd."""
    if isinstance(value, dict):
        return {k if isinstance(k, str) else safe_repr(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return safe_repr(value)


def decode(line: bytes) -> dict[str, Any]:
    """Parse one frame (without its newline).

    Raises:
        ProtocolError: Not JSON, not an object, or no ``type``.
    """
    try:
        frame = json.loads(line)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ProtocolError(f"a frame is not JSON: {exc}") from None
    if not isinstance(frame, dict) or not isinstance(frame.get("type"), str):
        raise ProtocolError(f"a frame must be a JSON object with a 'type': {line[:80]!r}")
    return frame


def events_of(frame: dict[str, Any]) -> list[Event]:
    """The events of an ``events`` frame.

    Raises:
        ProtocolError: ``events`` is not a list of arrays of the Event fields.
    """
    raw = frame.get("events")
    if not isinstance(raw, list):
        raise ProtocolError("an events frame needs an 'events' list")
    make = Event._make
    try:
        events = [make(item) for item in raw]
    except TypeError as exc:
        raise ProtocolError(f"an event is not an array of {EVENT_FIELDS} fields: {exc}") from None
    return events


class LineReader:
    """Splits a byte stream into frames, refusing lines longer than ``limit``.

    Args:
        limit: Longest line accepted (bytes, newline excluded).
    """

    def __init__(self, limit: int = MAX_FRAME) -> None:
        self.limit = limit
        self._buf = bytearray()

    def feed(self, data: bytes) -> list[bytes]:
        """Add received bytes; return the complete lines they finish.

        Raises:
            ProtocolError: A line is longer than ``limit``.
        """
        buf = self._buf
        start = len(buf)
        buf += data
        end = buf.rfind(b"\n", start)
        if end < 0:
            if len(buf) > self.limit:
                raise ProtocolError(f"a frame is longer than {self.limit} bytes")
            return []
        with memoryview(buf) as view:  # frames are bytes (one copy), not views of the buffer
            lines = bytes(view[:end]).split(b"\n")
        del buf[: end + 1]
        if len(buf) > self.limit or max(map(len, lines)) > self.limit:
            raise ProtocolError(f"a frame is longer than {self.limit} bytes")
        return lines


def hello(token: str, role: str, **more: Any) -> dict[str, Any]:
    """The first frame of a connecting side (``role``: "viewer" or "program")."""
    return {"type": "hello", "protocol": PROTOCOL_VERSION, "token": token, "role": role, **more}


def check_hello(frame: dict[str, Any], token: str, role: str) -> tuple[str, str] | None:
    """Why a hello is refused, as ``(reason, message)``, or None when it is accepted.

    The token is compared in constant time. Reasons: "hello", "version", "token", "role".
    """
    if frame.get("type") != "hello":
        return "hello", f"the first frame must be a hello, not {frame.get('type')!r}"
    version = frame.get("protocol")
    if version != PROTOCOL_VERSION:
        return "version", (
            f"protocol version {version!r} is not spoken here (this side speaks "
            f"{PROTOCOL_VERSION}); use a workbench and a kamaelia_core of the same release"
        )
    given = frame.get("token")
    if not isinstance(given, str) or not hmac.compare_digest(
        given.encode("utf-8", "replace"), token.encode("utf-8")
    ):
        return "token", "wrong or missing token: pass the token from the monitor's token file"
    if frame.get("role") != role:
        return "role", f"expected a {role} to connect here, not a {frame.get('role')!r}"
    return None


def welcome() -> dict[str, Any]:
    """The frame that accepts a peer's hello."""
    return {"type": "welcome", "protocol": PROTOCOL_VERSION}


def refused(reason: str, message: str) -> dict[str, Any]:
    """The frame that refuses a peer (the connection is closed after it)."""
    return {"type": "refused", "reason": reason, "message": message}


# -- addresses -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Address:
    """Where a monitor listens or connects: loopback TCP or a Unix-domain socket.

    Attributes:
        host: Loopback address ("127.0.0.1", "::1"), or "" for a Unix socket.
        port: TCP port (0: any free one), or 0 for a Unix socket.
        path: The Unix socket's path, or "".
    """

    host: str = "127.0.0.1"
    port: int = 0
    path: str = ""

    @property
    def family(self) -> int:
        """The socket family to use."""
        if self.path:
            return socket.AF_UNIX
        return socket.AF_INET6 if ":" in self.host else socket.AF_INET

    @property
    def sockaddr(self) -> Any:
        """What ``bind``/``connect`` take."""
        return self.path if self.path else (self.host, self.port)

    def __str__(self) -> str:
        if self.path:
            return f"unix:{self.path}"
        return f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"


def parse_address(text: str) -> Address:
    """Parse ``HOST:PORT`` (loopback only), ``[::1]:PORT`` or ``unix:/path``.

    Raises:
        ProtocolError: Not one of those forms, or a host that is not loopback.
    """
    text = text.strip()
    if text.startswith("unix:"):
        path = text[5:]
        if not path:
            raise ProtocolError("a Unix socket address needs a path: unix:/path/to/socket")
        return Address("", 0, os.path.abspath(os.path.expanduser(path)))
    if text.startswith("["):
        host, sep, port_text = text[1:].partition("]:")
    else:
        host, sep, port_text = text.rpartition(":")
    if not sep or not host:
        raise ProtocolError(
            f"cannot read the address {text!r}: use HOST:PORT (127.0.0.1:0) or unix:/path"
        )
    try:
        port = int(port_text)
    except ValueError:
        raise ProtocolError(f"the port of {text!r} is not a number") from None
    if not 0 <= port <= 65535:
        raise ProtocolError(f"the port of {text!r} is out of range (0..65535)")
    return Address(loopback(host), port)


def loopback(host: str) -> str:
    """``host`` as a loopback address.

    Raises:
        ProtocolError: It is not loopback ("localhost", 127.0.0.0/8, ::1): the monitor never
            listens or connects beyond this machine.
    """
    if host == "localhost":
        return "127.0.0.1"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        raise ProtocolError(
            f"the monitor uses loopback addresses or Unix sockets only; {host!r} is not an "
            f"IP address (use 127.0.0.1, ::1 or unix:/path)"
        ) from None
    if not address.is_loopback:
        raise ProtocolError(
            f"the monitor uses loopback addresses or Unix sockets only; refusing {host} "
            f"(events and commands must not leave this machine)"
        )
    return str(address)


# -- tokens ----------------------------------------------------------------------------------


def new_token() -> str:
    """A fresh random token (256 bits, URL-safe text)."""
    return secrets.token_urlsafe(32)


def token_dir() -> Path:
    """Where token files go by default: ``$XDG_RUNTIME_DIR/kamaelia-monitor``, else a per-user
    cache directory (``~/.cache/kamaelia-monitor``), made readable by the user only."""
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if runtime and os.path.isdir(runtime):
        base = Path(runtime)
    else:
        cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        base = Path(cache)
        if not os.access(base.parent if not base.exists() else base, os.W_OK):
            base = Path(tempfile.gettempdir()) / f"kamaelia-{os.getuid()}"
    path = base / "kamaelia-monitor"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(path, 0o700)
    return path


def write_token_file(token: str, path: str | os.PathLike[str] | None = None) -> Path:
    """Write ``token`` to ``path`` (default: a new file in ``token_dir()``), mode 0600.

    An existing file is replaced only when it is a regular file owned by this user.

    Raises:
        ProtocolError: ``path`` exists and is not a regular file of this user.
    """
    target = Path(path) if path is not None else token_dir() / f"monitor-{os.getpid()}.token"
    if target.exists() or target.is_symlink():
        info = os.lstat(target)
        if not stat.S_ISREG(info.st_mode) or info.st_uid != os.getuid():
            raise ProtocolError(f"refusing to write the token over {target}: not a file of yours")
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(target, flags, 0o600)
    try:
        os.fchmod(fd, 0o600)
        os.write(fd, (token + "\n").encode("ascii"))
    finally:
        os.close(fd)
    return target


def read_token_file(path: str | os.PathLike[str]) -> str:
    """The token in a monitor's token file.

    Raises:
        ProtocolError: The file cannot be read, is empty, or others may read it.
    """
    try:
        info = os.stat(path)
        with open(path, encoding="ascii") as fh:
            token = fh.read().strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise ProtocolError(f"cannot read the token file {path}: {exc}") from None
    if info.st_mode & 0o077:
        raise ProtocolError(f"the token file {path} is readable by others; it must be mode 0600")
    if not token:
        raise ProtocolError(f"the token file {path} is empty")
    return token
