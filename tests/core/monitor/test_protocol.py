"""The monitor's wire format: frames, addresses (loopback or Unix only), hellos, token files."""

from __future__ import annotations

import os

import pytest

from kamaelia_core.instrument import Event
from kamaelia_core.monitor import protocol as proto


def test_events_round_trip_exactly():
    events = [
        Event(1, 1234.000001, "spawned", 7, "CSA#7", "", 0, "", "", "", "", {"cls": "x.CSA",
              "parent": 3, "inboxes": ["inbox"], "peer": "127.0.0.1:5"}),
        Event(2, 1234.5, "delivered", 7, "CSA#7", "outbox", 8, "Echo#8", "inbox", "bytes",
              "b'caf\\xc3\\xa9 \\u2603'", None),
        Event(3, 0.1 + 0.2, "sampled", 0, "", "", 0, "", "", "", "", {"depths": [[7, "inbox",
              2, None]], "live": 2}),
        Event(4, 1e-9, "crashed", 9, "Bad#9", "", 0, "", "", "", "Traceback ☃", {"traceback": "é"}),
    ]  # fmt: skip
    line = proto.encode({"type": "events", "sid": 1, "events": events})
    assert line.endswith(b"\n") and b"\n" not in line[:-1] and line.isascii()
    back = proto.events_of(proto.decode(line[:-1]))
    assert back == events and all(type(e) is Event for e in back)


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("[1, 2]", "JSON object"),
        ("{not json", "not JSON"),
        ('{"kind": "events"}', "type"),
    ],
)
def test_bad_frames_are_refused_with_a_reason(text, why):
    with pytest.raises(proto.ProtocolError, match=why):
        proto.decode(text.encode())


def test_an_events_frame_with_bad_events_is_refused():
    with pytest.raises(proto.ProtocolError, match="12 fields"):
        proto.events_of({"type": "events", "events": [[1, 2, 3]]})
    with pytest.raises(proto.ProtocolError, match="events"):
        proto.events_of({"type": "events"})


def test_line_reader_splits_frames_across_reads_and_bounds_them():
    reader = proto.LineReader(limit=10)
    assert reader.feed(b'{"a"') == []
    assert reader.feed(b':1}\n{"b":2}\n{') == [b'{"a":1}', b'{"b":2}']
    assert reader.feed(b"}\n") == [b"{}"]
    with pytest.raises(proto.ProtocolError, match="longer than 10"):
        reader.feed(b"x" * 11)
    with pytest.raises(proto.ProtocolError, match="longer than 10"):
        proto.LineReader(limit=10).feed(b"y" * 20 + b"\n")


def test_line_reader_frames_are_bytes_so_a_refused_frame_reads_as_sent():
    (line,) = proto.LineReader().feed(b"[1, 2]\n")
    assert type(line) is bytes
    with pytest.raises(proto.ProtocolError, match=r"with a 'type': b'\[1, 2\]'$"):
        proto.decode(line)


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("127.0.0.1:0", proto.Address("127.0.0.1", 0)),
        ("localhost:8080", proto.Address("127.0.0.1", 8080)),
        ("127.1.2.3:9", proto.Address("127.1.2.3", 9)),
        ("[::1]:5000", proto.Address("::1", 5000)),
        ("unix:/tmp/k.sock", proto.Address("", 0, "/tmp/k.sock")),
    ],
)
def test_loopback_and_unix_addresses_parse(text, address):
    assert proto.parse_address(text) == address


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("0.0.0.0:1600", "loopback addresses or Unix sockets only; refusing 0.0.0.0"),
        ("192.168.1.5:1600", "refusing 192.168.1.5"),
        ("example.com:80", "not an IP address"),
        ("127.0.0.1", "HOST:PORT"),
        ("127.0.0.1:http", "not a number"),
        ("127.0.0.1:70000", "out of range"),
        ("unix:", "needs a path"),
    ],
)
def test_other_addresses_are_refused_with_a_clear_error(text, why):
    with pytest.raises(proto.ProtocolError, match=why):
        proto.parse_address(text)


def test_hello_checks_version_token_and_role():
    token = proto.new_token()
    assert proto.check_hello(proto.hello(token, "viewer"), token, "viewer") is None
    wrong = proto.check_hello(proto.hello("guess", "viewer"), token, "viewer")
    assert wrong is not None and wrong[0] == "token" and "wrong or missing token" in wrong[1]
    missing = proto.check_hello({"type": "hello", "protocol": 1, "role": "viewer"}, token, "viewer")
    assert missing is not None and missing[0] == "token"
    old = proto.check_hello({**proto.hello(token, "viewer"), "protocol": 99}, token, "viewer")
    assert old is not None and old[0] == "version" and "99" in old[1]
    role = proto.check_hello(proto.hello(token, "program"), token, "viewer")
    assert role is not None and role[0] == "role"
    assert proto.check_hello({"type": "command"}, token, "viewer")[0] == "hello"  # type: ignore[index]


def test_token_files_are_private_and_read_back(tmp_path):
    token = proto.new_token()
    path = proto.write_token_file(token, tmp_path / "t.token")
    assert os.stat(path).st_mode & 0o777 == 0o600
    assert proto.read_token_file(path) == token
    os.chmod(path, 0o644)
    with pytest.raises(proto.ProtocolError, match="readable by others"):
        proto.read_token_file(path)
    with pytest.raises(proto.ProtocolError, match="cannot read"):
        proto.read_token_file(tmp_path / "missing.token")
    (tmp_path / "dir").mkdir()
    with pytest.raises(proto.ProtocolError, match="not a file of yours"):
        proto.write_token_file(token, tmp_path / "dir")


def test_the_default_token_directory_is_private(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    path = proto.write_token_file("abc")
    assert path.parent == tmp_path / "kamaelia-monitor"
    assert os.stat(path.parent).st_mode & 0o777 == 0o700
    assert os.stat(path).st_mode & 0o777 == 0o600
    path.unlink()


def test_details_that_are_not_plain_json_still_go_out_as_text():
    extra = {"cls": "x.Odd", "tags": {1, 2}, "by_pair": {(1, 2): "a"}, "obj": object()}
    odd = Event(1, 0.5, "spawned", 3, "Odd#3", "", 0, "", "", "", "", extra)
    (back,) = proto.events_of(proto.decode(proto.encode({"type": "events", "events": [odd]})[:-1]))
    assert back.extra["cls"] == "x.Odd" and back.extra["tags"] == "{1, 2}"
    assert back.extra["by_pair"] == {"(1, 2)": "a"} and back.extra["obj"].startswith("<object")
