"""The type-checking ratchet only shrinks: every module on it still needs its entry.

pyproject.toml checks workbench strictly (every function annotated, every body checked) and
relaxes that, in one ``[[tool.mypy.overrides]]`` section, for the workbench.ui modules not yet
fully annotated. A module leaves that list once it passes without it; this test fails as soon
as one would, or when a listed module no longer exists.
"""

import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RELAXING = {"disallow_untyped_defs": False, "ignore_errors": True}
"""Settings that make a module's section part of the ratchet."""


def mypy_config() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mypy"]


def modules_of(section: dict) -> list[str]:
    modules = section["module"]
    return [modules] if isinstance(modules, str) else list(modules)


def is_ratchet(section: dict) -> bool:
    return any(section.get(key) == value for key, value in RELAXING.items())


def ratchet(config: dict) -> list[str]:
    return [m for s in config.get("overrides", []) if is_ratchet(s) for m in modules_of(s)]


def ini_value(value: object) -> str:
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, list):
        return ",".join(str(v) for v in value)
    return str(value)


def config_without_ratchet(config: dict) -> str:
    """The same mypy configuration as an ini file, the ratchet's sections left out."""
    lines = ["[mypy]"]
    lines += [f"{k} = {ini_value(v)}" for k, v in config.items() if k not in ("files", "overrides")]
    for section in config.get("overrides", []):
        if is_ratchet(section):
            continue
        lines.append(f"[mypy-{','.join(modules_of(section))}]")
        lines += [f"{k} = {ini_value(v)}" for k, v in section.items() if k != "module"]
    return "\n".join(lines) + "\n"


def source_of(module: str) -> Path:
    path = ROOT.joinpath(*module.split("."))
    return path / "__init__.py" if path.is_dir() else path.with_suffix(".py")


def test_the_ratchet_holds_only_workbench_ui_modules_that_exist():
    listed = ratchet(mypy_config())
    assert len(listed) == len(set(listed)), f"listed twice: {listed}"
    for module in listed:
        assert module.startswith("workbench.ui."), (
            f"{module} is on the mypy ratchet: only workbench.ui may be (model and runtime are "
            "checked in full)"
        )
        assert source_of(module).is_file(), f"{module} is on the mypy ratchet but is gone"


def test_the_config_without_the_ratchet_keeps_every_other_section():
    config = mypy_config()
    ini = config_without_ratchet(config)
    assert "[mypy-workbench,workbench.*]" in ini
    assert "disallow_untyped_defs = True" in ini
    assert not any(f"[mypy-{m}" in ini for m in ratchet(config))


@pytest.mark.slow
def test_every_module_on_the_ratchet_still_needs_its_entry(tmp_path):
    try:
        from mypy import api
    except ImportError:
        pytest.fail("mypy is not installed: pip install -e '.[test]'")
    config = mypy_config()
    listed = ratchet(config)
    if not listed:
        return  # nothing relaxed: the plain `mypy` run checks everything in full
    ini = tmp_path / "mypy.ini"
    ini.write_text(config_without_ratchet(config), encoding="utf-8")
    sources = [str(source_of(m)) for m in listed]
    args = ["--config-file", str(ini), "--cache-dir", str(tmp_path / "cache")]
    report, errors, _status = api.run([*args, "--follow-imports", "silent", *sources])
    assert not errors, errors
    # mypy names files relative to the working folder, however they were given
    failing = {
        (Path.cwd() / line.split(":", 1)[0]).resolve()
        for line in report.splitlines()
        if ": error:" in line
    }
    clean = [m for m in listed if source_of(m).resolve() not in failing]
    assert not clean, (
        f"{', '.join(clean)}: clean without the ratchet; take them off the ratchet's "
        "[[tool.mypy.overrides]] section in pyproject.toml"
    )
