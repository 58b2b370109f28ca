"""The distribution ships everything the workbench reads, and a wheel works away from the checkout.

The fast tests read ``pyproject.toml``: every package folder of the checkout is listed and every
shipped asset matches a package-data pattern. The slow ones build the wheel from a copy of the
sources, install it (without dependencies) into a fresh virtual environment that borrows only
PySide6 from this one, and run both entry points from an unrelated folder.
"""

from __future__ import annotations

import fnmatch
import importlib.util
import os
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

from workbench.resources import (
    UnknownExampleError,
    asset,
    assets_dir,
    example_names,
    example_path,
)

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
SETUPTOOLS = PYPROJECT["tool"]["setuptools"]
NOT_SHIPPED = ("screens/*",)
"""Asset files the wheel leaves out: the README's pictures."""
BUILD_DEPS_FAILED = "install build dependencies"
"""What pip says when it could not fetch setuptools/wheel for the isolated build."""


def _package_folders() -> set[str]:
    return {
        ".".join(init.parent.relative_to(ROOT).parts)
        for top in ("kamaelia_core", "workbench")
        for init in (ROOT / top).rglob("__init__.py")
        if "__pycache__" not in init.parts
    }


def _asset_files() -> list[str]:
    root = ROOT / "assets"
    return sorted(
        path.relative_to(root).as_posix()
        for path in root.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.name != "__init__.py"
    )


# --------------------------------------------------------------------------- fast checks
def test_every_package_folder_is_in_the_distribution():
    listed = set(SETUPTOOLS["packages"])
    missing = _package_folders() - listed
    assert not missing, f"add {sorted(missing)} to [tool.setuptools] packages in pyproject.toml"
    assert listed - _package_folders() == {"workbench.assets"}
    assert SETUPTOOLS["package-dir"] == {"workbench.assets": "assets"}


def test_every_asset_is_shipped_and_py_typed_exists():
    patterns = SETUPTOOLS["package-data"]["workbench.assets"]
    unshipped = [
        name
        for name in _asset_files()
        if not any(fnmatch.fnmatch(name, p) for p in patterns)
        and not any(fnmatch.fnmatch(name, p) for p in NOT_SHIPPED)
    ]
    assert not unshipped, f"add patterns for {unshipped} to workbench.assets' package-data"
    for package in ("kamaelia_core", "workbench"):
        assert SETUPTOOLS["package-data"][package] == ["py.typed"]
        assert (ROOT / package / "py.typed").is_file()


def test_assets_are_found_through_the_resource_package():
    assert assets_dir().samefile(ROOT / "assets")  # editable install: the checkout's folder
    assert asset("icons", "search.svg").read_bytes().startswith(b"<svg")
    assert "echo_server" in example_names()
    assert example_path("echo_server") == example_path("echo_server.kgraph.json")
    assert example_path("echo_server").name == "echo_server.kgraph.json"


@pytest.mark.parametrize("name", ["echo_srver", "../echo_server", "", "icons/run"])
def test_unknown_examples_name_the_ones_there_are(name: str):
    with pytest.raises(UnknownExampleError, match=r"the examples: .*echo_server"):
        example_path(name)


def test_a_missing_asset_is_named():
    with pytest.raises(LookupError, match=r"icons/nope\.svg is not among"):
        asset("icons", "nope.svg")


# --------------------------------------------------------------------------- the wheel
def _copy_sources(target: Path) -> Path:
    """The files a wheel is built from, without caches, build output or the README pictures."""
    target.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", "build", "screens")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, target / name)
    for name in ("kamaelia_core", "workbench", "assets"):
        shutil.copytree(ROOT / name, target / name, ignore=ignore)
    return target


def _borrowed_qt(target: Path) -> Path:
    """A folder holding links to this environment's PySide6 and shiboken6 (and nothing else)."""
    target.mkdir()
    for name in ("PySide6", "shiboken6"):
        spec = importlib.util.find_spec(name)
        assert spec is not None and spec.submodule_search_locations, f"{name} is not installed"
        (target / name).symlink_to(Path(next(iter(spec.submodule_search_locations))))
    return target


def _run(cmd: list[str], cwd: Path, env: dict[str, str], timeout: float = 120):
    return subprocess.run(
        cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


class Installed:
    """A fresh virtual environment with the built wheel installed, and a folder to run in."""

    def __init__(self, base: Path) -> None:
        src = _copy_sources(base / "src")
        dist = base / "dist"
        build = _run(
            [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(src)],
            base,
            {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"},
            timeout=300,
        )
        if build.returncode != 0 and BUILD_DEPS_FAILED in build.stdout + build.stderr:
            pytest.skip(f"pip could not fetch the build backend (registry unreachable?):\n"
                        f"{build.stderr[-2000:]}")  # fmt: skip
        assert build.returncode == 0, build.stdout + build.stderr
        (self.wheel,) = dist.glob("kamaelia_workbench-*.whl")
        self.venv = base / "venv"
        subprocess.run(
            [sys.executable, "-m", "venv", "--without-pip", str(self.venv)], check=True, timeout=60
        )
        self.python = self.venv / "bin" / "python"
        install = _run(
            [sys.executable, "-m", "pip", "--python", str(self.python), "install", "-q",
             "--no-compile", "--no-deps", "--no-index", str(self.wheel)],
            base,
            {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"},
        )  # fmt: skip
        assert install.returncode == 0, install.stdout + install.stderr
        site = _run(
            [str(self.python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            base,
            {},
        ).stdout.strip()
        (Path(site) / "borrowed_qt.pth").write_text(f"{_borrowed_qt(base / 'qt')}\n")
        self.cwd = base / "elsewhere"
        self.cwd.mkdir()
        home = base / "home"
        keep = ("PATH", "LANG", "LC_ALL", "TMPDIR", "SYSTEMROOT")
        self.env = {k: v for k, v in os.environ.items() if k in keep}
        self.env.update(
            QT_QPA_PLATFORM="offscreen",
            HOME=str(home),
            XDG_CONFIG_HOME=str(home / "config"),
            XDG_DATA_HOME=str(home / "data"),
            XDG_CACHE_HOME=str(home / "cache"),
            XDG_RUNTIME_DIR=str(home / "runtime"),
            PYTHONNOUSERSITE="1",
        )
        (home / "runtime").mkdir(parents=True)
        (home / "runtime").chmod(0o700)

    def run(self, script: str, *args: str) -> subprocess.CompletedProcess[str]:
        return _run([str(self.venv / "bin" / script), *args], self.cwd, self.env)

    def run_all(self, *commands: list[str]) -> list[subprocess.CompletedProcess[str]]:
        """Run the commands (``[script, *args]``) side by side; their results, in order."""
        procs = [
            subprocess.Popen(
                [str(self.venv / "bin" / script), *args],
                cwd=self.cwd,
                env=self.env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for script, *args in commands
        ]
        results = []
        for proc, command in zip(procs, commands, strict=True):
            try:
                out, err = proc.communicate(timeout=120)
            finally:
                proc.kill()
            results.append(subprocess.CompletedProcess(command, proc.returncode, out, err))
        return results


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    return Installed(tmp_path_factory.mktemp("wheel"))


@pytest.mark.slow
def test_the_wheel_holds_every_module_and_asset(installed: Installed):
    with zipfile.ZipFile(installed.wheel) as wheel:
        names = set(wheel.namelist())
    for top in ("kamaelia_core", "workbench"):
        for module in (ROOT / top).rglob("*.py"):
            if "__pycache__" not in module.parts:
                assert module.relative_to(ROOT).as_posix() in names
        assert f"{top}/py.typed" in names
    shipped = {name for name in _asset_files() if not name.startswith("screens/")}
    assert {f"workbench/assets/{name}" for name in shipped} <= names
    assert "workbench/assets/__init__.py" in names
    assert not any(name.startswith(("assets/", "workbench/assets/screens/")) for name in names)


@pytest.mark.slow
def test_the_installed_package_is_the_one_imported(installed: Installed):
    code = "import workbench.assets, kamaelia_core; print(workbench.assets.__file__)"
    done = _run([str(installed.python), "-c", code], installed.cwd, installed.env)
    assert done.returncode == 0, done.stderr
    assert Path(done.stdout.strip()).is_relative_to(installed.venv)


@pytest.mark.slow
def test_the_installed_workbench_runs_a_shipped_example_and_saves_a_picture(installed: Installed):
    listed = installed.run("kamaelia-workbench", "--list-examples")
    assert listed.returncode == 0, listed.stderr
    assert "echo_server" in listed.stdout and str(installed.venv) in listed.stdout
    done = installed.run(
        "kamaelia-workbench", "--example", "echo_server", "--run", "--duration", "1",
        "--screenshot", "out.png",
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "echo_server.kgraph.json:" in done.stdout
    assert "screenshot saved to out.png" in done.stdout
    picture = installed.cwd / "out.png"
    assert picture.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert picture.stat().st_size > 10_000  # a drawn window, not an empty image


@pytest.mark.slow
def test_the_installed_runner_runs_every_shipped_example_without_trust(installed: Installed):
    listed = installed.run("kamaelia-run", "--list-examples")
    assert listed.returncode == 0, listed.stderr
    paths = dict(line.split(maxsplit=1) for line in listed.stdout.splitlines())
    assert set(paths) >= {"echo_server", "per_connection_pipeline", "transformer_pipeline"}
    names = sorted(paths)
    by_path, *by_name = installed.run_all(
        ["kamaelia-run", paths["echo_server"], "--duration", "1"],
        *(["kamaelia-run", "--example", name, "--duration", "1", "--quiet"] for name in names),
    )
    assert by_path.returncode == 0, by_path.stdout + by_path.stderr
    assert "listening: echo_server on 127.0.0.1:" in by_path.stdout
    assert "time is up:" in by_path.stdout
    for name, done in zip(names, by_name, strict=True):
        assert done.returncode == 0, f"{name}: {done.stdout}{done.stderr}"
