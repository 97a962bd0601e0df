"""environment.yml (conda/Binder) and the pip requirements describe the same environment."""

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def _pins(lines):
    out = {}
    for line in lines:
        line = line.split("#")[0].strip()
        if "==" in line:
            name, version = line.split("==")
            out[name.strip().lower().replace("_", "-")] = version.strip()
    return out


def test_environment_yml_agrees_with_requirements():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    deps = env["dependencies"]
    assert "python=3.11" in deps
    pip = next(d["pip"] for d in deps if isinstance(d, dict) and "pip" in d)
    env_pins = _pins(pip)
    direct = _pins((ROOT / "requirements.in").read_text().splitlines())
    lock = _pins((ROOT / "requirements.lock").read_text().splitlines())
    assert env_pins == direct, "environment.yml pip pins differ from requirements.in"
    for name, version in direct.items():
        assert lock.get(name) == version, (
            f"{name}: requirements.in has {version}, lock has {lock.get(name)}"
        )
    assert "-e ." in pip


def test_lock_pins_every_package_exactly():
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            assert "==" in line, f"unpinned requirement in lock: {line}"
