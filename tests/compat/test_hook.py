"""The import hook: installed and removed cleanly, never shadowing a real Kamaelia unless forced,
free when unused."""

from __future__ import annotations

import importlib
import logging
import subprocess
import sys
import threading

import pytest

from kamaelia_core import compat
from kamaelia_core.compat._hook import CompatFinder
from kamaelia_core.scheduler import Scheduler


@pytest.fixture
def clean():
    """Whatever a test installs is removed afterwards."""
    assert not compat.installed()
    yield
    compat.uninstall()
    for name in [m for m in sys.modules if m.split(".")[0] in ("Axon", "Kamaelia")]:
        del sys.modules[name]  # a fake "real" Axon a test imported


@pytest.fixture
def real_axon(tmp_path, monkeypatch):
    """A stand-in for a real Axon installed on sys.path."""
    package = tmp_path / "Axon"
    package.mkdir()
    (package / "__init__.py").write_text("REAL = True\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    importlib.invalidate_caches()
    return package


@pytest.mark.usefixtures("clean")
def test_install_puts_one_finder_first_and_uninstall_takes_it_and_its_modules_away():
    assert compat.install() is True
    assert compat.install() is True  # twice is harmless
    finders = [f for f in sys.meta_path if isinstance(f, CompatFinder)]
    assert len(finders) == 1 and sys.meta_path[0] is finders[0]
    assert finders[0].find_spec("json") is None and finders[0].find_spec("Axonx") is None
    import Axon.Component
    import Kamaelia.Util.Console

    assert {"Axon", "Axon.Component", "Kamaelia.Util.Console"} <= finders[0].served
    assert Kamaelia.Util.Console.ConsoleEchoer is not None and Axon.Component.component
    compat.uninstall()
    assert not compat.installed()
    assert not any(isinstance(f, CompatFinder) for f in sys.meta_path)
    assert not [m for m in sys.modules if m.split(".")[0] in ("Axon", "Kamaelia")]
    with pytest.raises(ModuleNotFoundError):
        importlib.import_module("Axon.Component")


@pytest.mark.usefixtures("clean")
def test_the_first_axon_import_makes_the_process_scheduler_every_threads_default():
    compat.install()
    assert compat.process_scheduler() is None  # nothing imported yet: nothing made
    from Axon.Scheduler import scheduler

    assert compat.process_scheduler() is scheduler.run
    seen = []
    worker = threading.Thread(target=lambda: seen.append(Scheduler.current_or_default()))
    worker.start()
    worker.join(10)
    assert seen == [scheduler.run] and Scheduler.current_or_default() is scheduler.run
    compat.uninstall()
    assert Scheduler.current_or_default() is not seen[0]  # one default per thread again
    assert seen[0].io.closed


@pytest.mark.usefixtures("clean")
def test_a_real_axon_is_used_and_said_to_be_used(real_axon, caplog):
    assert "Axon" in compat.real_installation()
    with caplog.at_level(logging.WARNING, logger="kamaelia_core.compat"):
        assert compat.install() is False
    assert not compat.installed()
    assert "a real installation is used" in caplog.text and str(real_axon) in caplog.text
    import Axon

    assert Axon.REAL is True


@pytest.mark.usefixtures("clean")
def test_force_shadows_a_real_axon_and_says_so(real_axon, caplog):
    with caplog.at_level(logging.WARNING, logger="kamaelia_core.compat"):
        assert compat.install(force=True) is True
    assert "shadows the real Axon" in caplog.text
    import Axon

    assert not hasattr(Axon, "REAL") and Axon.Component.component.__name__ == "component"


@pytest.mark.usefixtures("clean")
def test_a_real_axon_already_imported_cannot_be_taken_over(real_axon):
    import Axon

    assert Axon.REAL is True
    assert compat.install() is False
    with pytest.raises(compat.CompatConflict, match="already imported"):
        compat.install(force=True)
    assert not compat.installed()


def test_kamaelia_core_does_not_load_the_compat_layer_and_the_layer_loads_little():
    code = (
        "import sys\n"
        "import kamaelia_core, kamaelia_core.chassis, kamaelia_core.net, kamaelia_core.util\n"
        "import kamaelia_core.catalog_entries, kamaelia_core.testing\n"
        "assert not [m for m in sys.modules if m.startswith('kamaelia_core.compat')]\n"
        "import kamaelia_core.compat as c\n"
        "c.install(force=True)\n"
        "import json, email.mime.text\n"
        "assert not [m for m in sys.modules if m.startswith('kamaelia_core.compat.axon')]\n"
        "assert not [m for m in sys.modules if m.split('.')[0] in ('Axon', 'Kamaelia')]\n"
        "import Axon.Ipc\n"
        "assert 'kamaelia_core.compat.axon.ipc' in sys.modules\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
