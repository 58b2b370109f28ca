"""kamaelia-run: runs graphs headless, prints events, writes traces, refuses bad input clearly."""

import io
import json

import pytest

from workbench.cli import run_main
from workbench.resources import examples_dir

EXAMPLES = examples_dir()


def example_data(name):
    """The shipped example graph ``name`` as JSON data, to change and write back."""
    return json.loads((EXAMPLES / f"{name}.kgraph.json").read_text())


def written(path, data):
    """``data`` written to ``path`` as a graph file; returns the path."""
    path.write_text(json.dumps(data))
    return path


def run(*argv):
    out = io.StringIO()
    code = run_main([str(a) for a in argv], out=out)
    return code, out.getvalue()


def test_transformer_pipeline_runs_to_its_end_with_events_and_a_trace(tmp_path, capsys):
    trace = tmp_path / "trace.json"
    code, out = run(EXAMPLES / "transformer_pipeline.kgraph.json", "--events", "--trace", trace)
    assert code == 0, out
    assert "finished:" in out
    assert "-> " in out and "delivered" not in out.splitlines()[0]
    assert "spawned" in out
    doc = json.loads(trace.read_text())
    assert any(e["ph"] == "s" for e in doc["traceEvents"])
    assert (tmp_path / "trace.events.jsonl").exists()
    capsys.readouterr()


def test_server_runs_for_the_duration_and_says_where_it_listens():
    code, out = run(EXAMPLES / "echo_server.kgraph.json", "--duration", "0.2")
    assert code == 0
    assert "listening: echo_server on 127.0.0.1:" in out
    assert "time is up" in out


def test_examples_are_listed_and_run_by_name():
    code, out = run("--list-examples")
    assert code == 0
    names = [line.split()[0] for line in out.splitlines()]
    assert names == sorted(names) and "echo_server" in names
    assert str(EXAMPLES / "echo_server.kgraph.json") in out
    code, out = run("--example", "echo_server", "--duration", "0.2")
    assert code == 0, out
    assert "listening: echo_server on 127.0.0.1:" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--example", "nope"], "no example called 'nope' (the examples: chat_server,"),
        (["--example", "echo_server", "g.kgraph.json"], "not both"),
        ([], "give a graph file to run, or --example NAME"),
    ],
)
def test_bad_example_arguments_exit_with_2(argv, message, capsys):
    with pytest.raises(SystemExit) as info:
        run(*argv)
    assert info.value.code == 2
    assert message in capsys.readouterr().err


def test_code_values_need_trust_named_callables_do_not(tmp_path, capsys):
    graph = example_data("transformer_pipeline")
    exclaim = next(node for node in graph["nodes"] if node["name"] == "line")
    exclaim["params"]["function"] = {"$code": "lambda text: text + '!\\n'"}
    path = written(tmp_path / "code.kgraph.json", graph)
    code, _ = run(path)
    assert code == 2
    assert "contains Python code" in capsys.readouterr().err
    code, out = run(path, "--trust", "--events")
    assert code == 0, out
    assert "'HELLO!\\n'" in out
    code, out = run(EXAMPLES / "transformer_pipeline.kgraph.json", "--events")
    assert code == 0, out
    assert "'HELLO\\n'" in out


def test_a_callable_off_the_allow_list_is_refused_with_the_list(tmp_path, capsys):
    graph = example_data("transformer_pipeline")
    graph["nodes"][2]["params"]["function"] = {"$callable": "os.system"}
    path = written(tmp_path / "bad.kgraph.json", graph)
    code, _ = run(path, "--trust")
    assert code == 2
    err = capsys.readouterr().err
    assert "'os.system' is not an allowed callable" in err
    assert "bytes.upper" in err


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("{not json", "bad.kgraph.json:1:2: not valid JSON"),
        (
            '{"format": "kamaelia-graph", "version": 1, "nodes": [{"id": "n1"}], "links": []}',
            "nodes[0]",
        ),
    ],
)
def test_malformed_graph_files_are_reported(tmp_path, capsys, content, expected):
    path = tmp_path / "bad.kgraph.json"
    path.write_text(content)
    code, _ = run(path)
    assert code == 2
    assert expected in capsys.readouterr().err


def test_unknown_component_and_missing_file_are_reported(tmp_path, capsys):
    graph = example_data("echo_server")
    graph["nodes"][1]["component"] = "kamaelia_core.util.echo.Ekho"
    path = written(tmp_path / "typo.kgraph.json", graph)
    assert run(path)[0] == 2
    err = capsys.readouterr().err
    assert "Ekho" in err and "Echo" in err
    assert run(tmp_path / "nope.kgraph.json")[0] == 2
    assert "nope.kgraph.json" in capsys.readouterr().err


def test_bad_duration_is_refused(capsys):
    assert run(EXAMPLES / "echo_server.kgraph.json", "--duration", "-1")[0] == 2
    assert "--duration" in capsys.readouterr().err


def test_client_and_server_on_any_port_print_replies(capsys):
    code, out = run(EXAMPLES / "client_server.kgraph.json", "--duration", "1")
    printed = capsys.readouterr().out  # the ConsoleEchoer writes to stdout
    assert code == 0, out
    (listening,) = [line for line in out.splitlines() if line.startswith("listening:")]
    assert listening.startswith("listening: echo_server on 127.0.0.1:")
    assert int(listening.rsplit(":", 1)[1]) > 0
    assert printed.startswith("reply: hello\n") and "kamaelia\n" in printed


def test_port_of_a_missing_server_is_bad_input(tmp_path, capsys):
    graph = example_data("client_server")
    client = next(n for n in graph["nodes"] if n["name"] == "client")
    client["params"]["port"] = {"$port_of": "ghost"}
    path = written(tmp_path / "ghost.kgraph.json", graph)
    assert run(path)[0] == 2
    assert "client.port: $port_of 'ghost': no node has that name" in capsys.readouterr().err


# -- programs ---------------------------------------------------------------------------------


def run_cli(*argv, cwd=None):
    """kamaelia-run in a child process (a program run installs the compat layer for good)."""
    import subprocess
    import sys

    return subprocess.run(
        [sys.executable, "-m", "workbench.cli", *map(str, argv)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=cwd,
        check=False,
    )


def test_a_python_program_runs_with_its_arguments_and_its_exit_status(tmp_path):
    prog = tmp_path / "prog.py"
    prog.write_text(
        "import sys\n"
        "from Kamaelia.Chassis.Pipeline import Pipeline\n"
        "from Kamaelia.Util.Console import ConsoleEchoer\n"
        "from Kamaelia.Util.DataSource import DataSource\n"
        "Pipeline(DataSource([' '.join(sys.argv[1:]) + '\\n']), ConsoleEchoer()).run()\n"
        "sys.exit(int(sys.argv[-1]))\n"
    )
    done = run_cli(prog, "--duration", "5")
    assert (done.returncode, done.stdout) == (5, "--duration 5\n"), done.stderr
    done = run_cli("--force-compat", prog, "0")
    assert (done.returncode, done.stdout) == (0, "0\n"), done.stderr


def test_a_missing_program_is_a_clear_error(tmp_path):
    done = run_cli(tmp_path / "nowhere.py")
    assert done.returncode == 2
    assert done.stderr.strip() == f"kamaelia-run: no such program: {tmp_path / 'nowhere.py'}"


def test_crashed_components_are_summed_up(tmp_path):
    prog = tmp_path / "crash.py"
    prog.write_text(
        "from Axon.Component import component\n"
        "class Bad(component):\n"
        "    def main(self):\n"
        "        yield 1\n"
        "        raise OSError('disk on fire')\n"
        "Bad().run()\n"
    )
    done = run_cli(prog)
    assert done.returncode == 0
    assert "OSError: disk on fire" in done.stderr
    assert "kamaelia-run: 1 component crashed (Bad#" in done.stderr


def test_the_file_type_decides_between_program_and_graph(tmp_path):
    from workbench.cli import is_program

    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__main__.py").write_text("")
    assert is_program("x.py") and is_program(str(tmp_path / "pkg"))
    assert not is_program("x.kgraph.json") and not is_program(str(tmp_path))
