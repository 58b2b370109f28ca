"""Benchmark: a 10-stage pass-through Pipeline, kamaelia_core against Kamaelia Axon 1.14.32.

Measures, in one run (each figure in a fresh subprocess):

* msgs/s through a source, 10 pass-through stages and a sink in a Pipeline, with both engines
  (every stage drains its inbox each slice), and the ratio;
* the same with 1000 extra idle (paused) components, which must not cost anything;
* kamaelia_core with an instrumentation tap attached (every delivery recorded, nobody draining);
* CPU used by a waiting system over 5 s (resource.getrusage), for both engines.

Axon runs in a scratch venv (default /tmp/kvenv, created with pip when missing).

Usage::

    python bench/pipeline.py [--messages 200000] [--stages 10] [--venv /tmp/kvenv]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
AXON_PACKAGES = ["kamaelia-axon==1.14.32", "kamaelia==1.14.32"]
CHUNK = 100
"""Messages the source sends per slice."""


def _engine(api: str) -> dict[str, Any]:
    """The classes a worker needs, from kamaelia_core or from Axon."""
    if api == "axon":
        from Axon.Component import component
        from Axon.Ipc import producerFinished
        from Axon.Scheduler import scheduler
        from Kamaelia.Chassis.Pipeline import Pipeline

        return {
            "Base": component,
            "producerFinished": producerFinished,
            "Pipeline": Pipeline,
            "stop": lambda comp: scheduler.run.stop(),
        }
    sys.path.insert(0, str(ROOT))
    from kamaelia_core import Component, producerFinished
    from kamaelia_core.chassis.pipeline import Pipeline

    return {
        "Base": Component,
        "producerFinished": producerFinished,
        "Pipeline": Pipeline,
        "stop": lambda comp: comp.scheduler.stop(),
    }


def _classes(eng: dict[str, Any], total: int) -> tuple[type, type, type, type]:
    base = eng["Base"]
    finished = eng["producerFinished"]
    stop = eng["stop"]

    class Source(base):
        def main(self):
            send = self.send
            sent = 0
            while sent < total:
                for i in range(sent, min(sent + CHUNK, total)):
                    send(i, "outbox")
                sent = min(sent + CHUNK, total)
                yield 1
            send(finished(), "signal")

    class Stage(base):
        def main(self):
            data_ready, recv, send = self.dataReady, self.recv, self.send
            while True:
                while data_ready("inbox"):
                    send(recv("inbox"), "outbox")
                if data_ready("control"):
                    send(recv("control"), "signal")
                    return
                self.pause()
                yield 1

    class Sink(base):
        def __init__(self, **argd: Any) -> None:
            super().__init__(**argd)
            self.count = 0
            self.done_at = 0.0

        def main(self):
            data_ready, recv = self.dataReady, self.recv
            while True:
                while data_ready("inbox"):
                    recv("inbox")
                    self.count += 1
                if self.count >= total:
                    self.done_at = time.perf_counter()
                    stop(self)
                    return
                self.pause()
                yield 1

    class Idle(base):
        def main(self):
            while not self.dataReady("control"):
                self.pause()
                yield 1

    return Source, Stage, Sink, Idle


def worker(api: str, mode: str, messages: int, stages: int, idle: int, tap: bool) -> dict:
    """Run one measurement in this process and return its figures."""
    eng = _engine(api)
    if mode == "idle_cpu":
        return _idle_cpu(api, eng)
    Source, Stage, Sink, Idle = _classes(eng, messages)
    sink = Sink()
    system = eng["Pipeline"](Source(), *[Stage() for _ in range(stages)], sink)
    idlers = [Idle() for _ in range(idle)]
    recorder = None
    if api == "axon":
        from Axon.Scheduler import scheduler

        for comp in idlers:
            comp.activate()
        system.activate()
        start = time.perf_counter()
        scheduler.run.runThreads()
    else:
        from kamaelia_core import Scheduler, Tap

        sched = Scheduler()
        if tap:
            recorder = sched.attach_tap(Tap())
        for comp in idlers:
            sched.activate(comp)
        sched.run_until_idle()  # the idle components settle before the clock starts
        start = time.perf_counter()
        sched.activate(system)
        sched.run()
        sched.close()
    elapsed = (sink.done_at or time.perf_counter()) - start
    result = {
        "api": api,
        "messages": sink.count,
        "seconds": elapsed,
        "msgs_per_s": sink.count / elapsed if elapsed else 0.0,
        "hops_per_s": sink.count * (stages + 1) / elapsed if elapsed else 0.0,
    }
    if recorder is not None:
        result["tap_emitted"] = recorder.emitted
        result["tap_dropped"] = recorder.dropped
    return result


def _idle_cpu(api: str, eng: dict[str, Any], seconds: float = 5.0) -> dict:
    """CPU time a system of paused components uses while it waits for ``seconds``."""
    _, Stage, _, Idle = _classes(eng, 0)
    comps = [Idle() for _ in range(100)]
    comps.append(eng["Pipeline"](*[Stage() for _ in range(10)]))
    if api == "axon":
        from Axon.Scheduler import scheduler

        for comp in comps:
            comp.activate()
        runner = threading.Thread(target=scheduler.run.runThreads, daemon=True)
        runner.start()
        time.sleep(0.5)  # let it settle into waiting
        before = resource.getrusage(resource.RUSAGE_SELF)
        time.sleep(seconds)
        after = resource.getrusage(resource.RUSAGE_SELF)
    else:
        from kamaelia_core import Scheduler

        sched = Scheduler()
        for comp in comps:
            sched.activate(comp)
        sched.run_until_idle()
        sched.call_later(seconds, sched.stop)
        before = resource.getrusage(resource.RUSAGE_SELF)
        sched.run()
        after = resource.getrusage(resource.RUSAGE_SELF)
        sched.close()
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"api": api, "seconds": seconds, "cpu_s": cpu, "cpu_percent": 100.0 * cpu / seconds}


def ensure_axon_venv(venv: Path) -> Path:
    """The venv's python, creating the venv and installing Axon 1.14.32 if needed."""
    python = venv / "bin" / "python"
    probe = [str(python), "-c", "import Axon, Kamaelia.Chassis.Pipeline"]
    if python.exists() and subprocess.run(probe, capture_output=True).returncode == 0:
        return python
    print(f"creating {venv} with {' '.join(AXON_PACKAGES)} ...", file=sys.stderr)
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run([str(python), "-m", "pip", "install", "-q", *AXON_PACKAGES], check=True)
    return python


def _run(python: str, api: str, mode: str, args: argparse.Namespace, **kw: Any) -> dict:
    cmd = [
        python,
        str(Path(__file__).resolve()),
        "--worker",
        api,
        "--mode",
        mode,
        "--messages",
        str(kw.get("messages", args.messages)),
        "--stages",
        str(args.stages),
        "--idle",
        str(kw.get("idle", 0)),
    ]
    if kw.get("tap"):
        cmd.append("--tap")
    out = subprocess.run(cmd, check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _best(python: str, api: str, args: argparse.Namespace, **kw: Any) -> dict:
    """Best of ``args.repeat`` runs (the least disturbed by the machine)."""
    runs = [_run(python, api, "pipeline", args, **kw) for _ in range(args.repeat)]
    return max(runs, key=lambda r: r["msgs_per_s"])


def main(argv: list[str] | None = None) -> int:
    """Run every measurement and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=200_000)
    parser.add_argument("--axon-messages", type=int, default=None, help="default: --messages")
    parser.add_argument("--stages", type=int, default=10)
    parser.add_argument("--idle", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=3, help="kamaelia_core runs per figure")
    parser.add_argument("--venv", type=Path, default=Path("/tmp/kvenv"))
    parser.add_argument("--tap", action="store_true")
    parser.add_argument("--worker", choices=("core", "axon"))
    parser.add_argument("--mode", choices=("pipeline", "idle_cpu"), default="pipeline")
    args = parser.parse_args(argv)

    if args.worker:
        figures = worker(args.worker, args.mode, args.messages, args.stages, args.idle, args.tap)
        print(json.dumps(figures))
        sys.stdout.flush()
        os._exit(0)  # Axon's idle-CPU runner thread never ends on its own

    axon_python = str(ensure_axon_venv(args.venv))
    core_python = sys.executable
    axon_args = argparse.Namespace(**{**vars(args), "repeat": 1})
    axon_msgs = args.axon_messages or args.messages
    n, s = args.messages, args.stages
    print(f"{s}-stage pass-through Pipeline, {n} messages (Axon: {axon_msgs}), drain per slice")

    core = _best(core_python, "core", args)
    axon = _best(axon_python, "axon", axon_args, messages=axon_msgs)
    print(f"  kamaelia_core      {core['msgs_per_s']:>12,.0f} msgs/s  ({core['seconds']:.2f} s)")
    print(f"  Axon 1.14.32       {axon['msgs_per_s']:>12,.0f} msgs/s  ({axon['seconds']:.2f} s)")
    print(f"  ratio              {core['msgs_per_s'] / axon['msgs_per_s']:>12.1f} x")

    core_idle = _best(core_python, "core", args, idle=1000)
    axon_idle = _best(axon_python, "axon", axon_args, messages=axon_msgs, idle=1000)
    print("with 1000 extra idle components")
    for name, base, loaded in (
        ("kamaelia_core", core, core_idle),
        ("Axon 1.14.32", axon, axon_idle),
    ):
        change = 100.0 * (loaded["msgs_per_s"] / base["msgs_per_s"] - 1.0)
        print(f"  {name:<18} {loaded['msgs_per_s']:>12,.0f} msgs/s  ({change:+.1f} % vs without)")
    print(f"  ratio              {core_idle['msgs_per_s'] / axon_idle['msgs_per_s']:>12.1f} x")

    tapped = _best(core_python, "core", args, tap=True)
    cost = 100.0 * (1.0 - tapped["msgs_per_s"] / core["msgs_per_s"])
    print("kamaelia_core with a tap attached (65536 events, every delivery recorded, no drain)")
    print(
        f"  {tapped['msgs_per_s']:>31,.0f} msgs/s  (cost {cost:.1f} %, "
        f"{tapped['tap_emitted']:,} events, {tapped['tap_dropped']:,} dropped as the buffer filled)"
    )

    print("idle CPU of a waiting system (110 paused components) over 5 s")
    for name, python, api in (
        ("kamaelia_core", core_python, "core"),
        ("Axon 1.14.32", axon_python, "axon"),
    ):
        idle = _run(python, api, "idle_cpu", args)
        print(f"  {name:<18} {idle['cpu_percent']:>11.2f} %  ({idle['cpu_s'] * 1000:.1f} ms CPU)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
