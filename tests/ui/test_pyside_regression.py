"""Guards the PySide6 pin: many Python slots returning None through a signal must not crash.

PySide6-Essentials 6.12.0 on Python 3.11 aborts with "Fatal Python error: none_dealloc" after a
few thousand such calls (a reference count of None is dropped once too often). Run before any
PySide6 bump; a crash here is a process abort, so the test runs the loop in a child process.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

CALLS = 20_000

CHILD = textwrap.dedent(
    f"""
    import os, sys
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QCoreApplication, QObject, Signal

    class Emitter(QObject):
        fired = Signal(int)
        empty = Signal()

    class Receiver(QObject):
        def __init__(self):
            super().__init__()
            self.count = 0

        def on_fired(self, value):
            self.count += 1
            return None

        def on_empty(self):
            self.count += 1

    app = QCoreApplication([])
    emitter, receiver = Emitter(), Receiver()
    emitter.fired.connect(receiver.on_fired)
    emitter.empty.connect(receiver.on_empty)
    emitter.empty.connect(lambda: None)
    for i in range({CALLS}):
        emitter.fired.emit(i)
        emitter.empty.emit()
    print(receiver.count, sys.getrefcount(None) > 0)
    """
)


@pytest.mark.slow
def test_slots_returning_none_do_not_crash() -> None:
    result = subprocess.run(
        [sys.executable, "-c", CHILD], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, f"child died ({result.returncode}): {result.stderr[-2000:]}"
    assert result.stdout.split() == [str(2 * CALLS), "True"]


def test_slots_returning_none_in_process(qtbot) -> None:
    from PySide6.QtCore import QObject, Signal

    class Emitter(QObject):
        fired = Signal(object)

    calls = []
    emitter = Emitter()
    emitter.fired.connect(lambda value: calls.append(value) and None)
    for i in range(CALLS):
        emitter.fired.emit(None if i % 2 else i)
    assert len(calls) == CALLS
