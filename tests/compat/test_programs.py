"""Classic Axon/Kamaelia programs (tests/compat/programs) run unchanged, each in its own process.

The programs that end by themselves are all started at once (they are small, and the machine's
cores wait on each other's start-up otherwise); each test then checks one program's output. The
servers are driven by loopback clients and stopped with Ctrl-C (SIGINT), as a user stops them.
"""

from __future__ import annotations

import select
import signal
import socket
import subprocess

import pytest

from tests.compat.conftest import ROOT, finish, start_program

pytestmark = pytest.mark.timeout(90)

BATCH: dict[str, tuple[tuple[str, ...], str | None]] = {
    "hello": ((), None),
    "producer_consumer": ((), None),
    "graphline_shutdown": ((), None),
    "threaded_reader": ((), "one\ntwo\n"),
    "wait_complete": ((), None),
    "circular_pipeline": ((), None),
    "threads_and_background": ((), None),
    "single_server_client": ((), None),
    "crashes": ((), None),
    "crashes mortal": (("mortal",), None),
    "exit_status code": (("code", "3"), None),
    "exit_status message": (("message",), None),
    "exit_status raise": (("raise",), None),
    "trace_sends": ((), None),
    "util_tour": ((), None),
    "file_copy": (("{tmp}/in.txt", "{tmp}/out.txt"), None),
}
"""Run name -> (arguments, standard input) of the programs that end by themselves."""


@pytest.fixture(scope="module")
def results(tmp_path_factory) -> dict[str, tuple[int, str, str]]:
    """Every batch program's (exit status, stdout, stderr), run side by side."""
    tmp = tmp_path_factory.mktemp("programs")
    (tmp / "in.txt").write_text("first line\nsecond line\n")
    started = {
        run: start_program(
            run.split()[0], *(a.format(tmp=tmp) for a in args), stdin=stdin is not None
        )
        for run, (args, stdin) in BATCH.items()
    }
    return {run: finish(proc, BATCH[run][1]) for run, proc in started.items()}


def ok(results: dict[str, tuple[int, str, str]], run: str) -> list[str]:
    """The stdout lines of a run that must have ended with status 0 and a clean stderr."""
    status, out, err = results[run]
    assert status == 0, f"{run}: status {status}\n{err}"
    assert "Traceback" not in err and "ResourceWarning" not in err, err
    return out.splitlines()


def test_hello_component_and_the_legacy_protocol(results):
    lines = ok(results, "hello")
    assert lines == [
        "printer got: hello 0",
        "printer got: hello 1",
        "printer got: hello 2",
        "printer saw 3 messages",
        "threads left: 0",
    ]


def test_producer_consumer_started_with_yield_newcomponent(results):
    lines = ok(results, "producer_consumer")
    assert "running totals: [1, 3, 6, 10, 15]" in lines
    assert "consumer said: producerFinished" in lines
    assert "children left: 0" in lines
    assert [x for x in lines if "tick" in x] == [
        "microprocess tick 0",
        "bare generator tick 0",
        "microprocess tick 1",
        "bare generator tick 1",
        "microprocess tick 2",
    ]
    assert lines[-1] == "done, stopping message class is shutdownMicroprocess"


def test_graphline_shutdown_variants(results):
    lines = ok(results, "graphline_shutdown")
    assert lines.index("first data A") < lines.index("first data B")
    assert "first end producerFinished" in lines
    assert {"second.A got shutdownMicroprocess", "second.B got shutdownMicroprocess"} <= set(lines)
    assert "second end shutdownMicroprocess" in lines
    assert "third has ['control', 'inbox', 'lines'] ['copies', 'outbox', 'signal']" in lines
    assert "third data third line" in lines and "third end producerFinished" in lines
    assert lines[-1] == "graphlines done"


def test_threaded_console_reader_and_a_blocking_thread(results):
    lines = ok(results, "threaded_reader")
    assert [x for x in lines if x.startswith("read:")] == ["read: ONE", "read: TWO"]
    assert [x for x in lines if x.startswith("slow")] == ["slow 0", "slow 1", "slow 2"]
    assert lines[-1] == "end of input"


def test_wait_complete_runs_sub_generators_to_their_end(results):
    lines = ok(results, "wait_complete")
    assert lines == [
        "inner first 0",
        "inner first 1",
        "outer starts",
        "inner nested 0",
        "inner nested 1",
        "child runs",
        "outer ends",
        "early one",
        "main resumes after every WaitComplete",
        "TypeError: True",
        "done",
    ]


def test_circular_pipeline_passes_a_token_round_the_ring(results):
    lines = ok(results, "circular_pipeline")
    hops = [x for x in lines if " hop " in x]
    assert hops == [f"{'BCA'[(n - 1) % 3]} hop {n}" for n in range(1, 11)]
    assert lines[-1] == "ring finished: True"


def test_a_system_activated_in_one_thread_runs_in_another(results):
    lines = ok(results, "threads_and_background")
    assert [x for x in lines if x.startswith("reported")] == [
        f"reported {n} in runner" for n in (1, 2, 3)
    ]
    assert "runner thread finished: True" in lines
    assert "doubled: [10, 12]" in lines
    assert "handle signal: producerFinished" in lines


def test_single_server_and_tcp_client_in_one_system(results):
    lines = ok(results, "single_server_client")
    assert lines == ["client got: ['HELLO', 'WORLD']", "server listened on a real port: True"]


def test_a_crash_is_reported_and_the_rest_runs_on(results):
    status, out, err = results["crashes"]
    assert status == 0
    assert out.splitlines() == ["steady 0", "steady 1", "steady 2", "crashes so far: 1"]
    assert "ValueError: faulty component failed on purpose" in err
    assert "component Faulty#" in err and "crashed" in err
    assert "1 component crashed (Faulty#" in err


def test_after_mortalise_a_crash_ends_run_threads(results):
    status, out, err = results["crashes mortal"]
    assert status == 0, err
    assert out.splitlines()[-1] == "runThreads raised: faulty component failed on purpose"
    assert "2 components crashed" in err


def test_exit_statuses_come_back(results):
    status, out, err = results["exit_status code"]
    assert (status, out) == (3, "args: code 3\n")
    status, out, err = results["exit_status message"]
    assert (status, err.strip().splitlines()[-1]) == (1, "stopped with a message")
    status, out, err = results["exit_status raise"]
    assert status == 1
    assert err.startswith("Traceback (most recent call last):\n  File ")
    assert "exit_status.py" in err.splitlines()[1], "the runner's own frames are left out"
    assert err.strip().endswith("RuntimeError: the program itself failed")


def test_trace_all_sends_and_recvs_are_logged(results):
    status, out, err = results["trace_sends"]
    assert status == 0, err
    assert out == "sink took traced message\n"
    traced = [x for x in err.splitlines() if "SEND:" in x or "RECV:" in x]
    assert len(traced) == 3
    assert "Source#" in traced[0] and "'outbox' : traced message" in traced[0]
    assert "RECV:" in traced[1] and "Sink#" in traced[1]
    assert "'signal' : producerFinished" in traced[2]


def test_the_tutorials_small_util_components(results):
    lines = ok(results, "util_tour")
    for expected in (
        "oneshot: one shot",
        "fanout left: 1",
        "fanout left: 2",
        "fanout right: 1",
        "fanout right: 2",
        "plug 1: shared",
        "plug 2: shared",
        "passthrough: p",
        "seq step one",
        "seq: from seq",
        "carousel: carousel a",
        "carousel: carousel b",
    ):
        assert expected in lines, expected
    assert lines.count("triggered: triggered") == 2
    assert [x for x in lines if x.startswith("rate:")] == [f"rate: {n}" for n in range(4)]
    assert lines.count("chargen: Hello World") == 2
    assert lines.count("clock: True") == 2
    assert lines[-1] == "tour done"


def test_files_read_transformed_and_written(results):
    assert ok(results, "file_copy") == ["FIRST LINE", "SECOND LINE"]


# -- servers, driven from here ------------------------------------------------------------


def _listening(proc: subprocess.Popen[str]) -> int:
    """The port a server program prints on its first line ("listening on PORT")."""
    assert proc.stdout is not None
    ready, _, _ = select.select([proc.stdout], [], [], 20)
    assert ready, "the server did not say where it listens"
    line = proc.stdout.readline()
    assert line.startswith("listening on "), line
    return int(line.split()[-1])


def _read_until(sock: socket.socket, needle: bytes, limit: float = 10.0) -> bytes:
    sock.settimeout(limit)
    data = b""
    while needle not in data:
        chunk = sock.recv(4096)
        if not chunk:
            break
        data += chunk
    return data


def _interrupt(proc: subprocess.Popen[str]) -> tuple[int, str, str]:
    proc.send_signal(signal.SIGINT)
    return finish(proc)


def test_echo_server_with_server_core_and_echo_protocol():
    proc = start_program("echo_server", "0")
    try:
        port = _listening(proc)
        with (
            socket.create_connection(("127.0.0.1", port), timeout=10) as one,
            socket.create_connection(("127.0.0.1", port), timeout=10) as two,
        ):
            one.sendall(b"first\n")
            two.sendall(b"second\n")
            assert _read_until(one, b"\n") == b"first\n"
            assert _read_until(two, b"\n") == b"second\n"
    finally:
        status, _, err = _interrupt(proc)
    assert status == 130, err
    assert err.strip().endswith("KeyboardInterrupt") and "ResourceWarning" not in err


def chat_exchange(proc: subprocess.Popen[str]) -> tuple[bytes, bytes]:
    """Connect two clients to a Backplane chat server; one talks, both hear it."""
    port = _listening(proc)
    with (
        socket.create_connection(("127.0.0.1", port), timeout=10) as one,
        socket.create_connection(("127.0.0.1", port), timeout=10) as two,
    ):
        # each connection subscribes once its handler runs: say "ping" until two hears one
        two.settimeout(0.05)
        heard = b""
        for attempt in range(200):
            one.sendall(b"ping %d\n" % attempt)
            try:
                heard += two.recv(4096)
            except TimeoutError:
                continue
            if b"ping" in heard:
                break
        assert b"ping" in heard, "the second client never heard the first"
        one.sendall(b"hello everyone\n")
        two.settimeout(10)
        return _read_until(one, b"hello everyone"), _read_until(two, b"hello everyone")


def test_chat_server_with_server_core_and_a_backplane():
    proc = start_program("chat_server", "0")
    try:
        said, heard = chat_exchange(proc)
    finally:
        status, out, err = _interrupt(proc)
    assert b"] hello everyone\n" in said and b"] hello everyone\n" in heard
    assert heard.startswith(b"[127.0.0.1:")
    assert status == 130, err
    assert any(x.startswith("log: [127.0.0.1:") and "hello everyone" in x for x in out.splitlines())


def test_the_kamaelia_style_example_runs_headless():
    proc = start_program(str(ROOT / "assets" / "examples" / "kamaelia_chat.py"), "0")
    try:
        said, heard = chat_exchange(proc)
    finally:
        status, _, err = _interrupt(proc)
    assert b"hello everyone" in said and b"hello everyone" in heard
    assert status == 130, err
