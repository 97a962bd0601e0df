"""Install routes: a built wheel carries the chapters and their data; installed outside the
repository into a fresh virtual environment with the locked dependencies, it runs G1 and T1; the
offline wheelhouse recipe installs with ``pip --no-index --find-links``.

The install tests take ~30-90 s on an idle 2-core machine (they are the route a class or Colab
takes); they are skipped only when ``python3.11`` is missing, or (wheelhouse) when no wheelhouse has
been built.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest
import yaml
from conftest import ROOT

UV = Path(sys.executable).with_name("uv")
PY311 = shutil.which("python3.11")
WHEELHOUSE = Path(os.environ.get("JAKPERSIST_WHEELHOUSE", ROOT / "_build" / "wheelhouse"))


def _build_wheel(dest: Path) -> Path:
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "-q",
            "--no-deps",
            "--no-build-isolation",
            str(ROOT),
            "-w",
            str(dest),
        ],
        capture_output=True,
        text=True,
        cwd=dest,
    )
    assert r.returncode == 0, r.stderr[-2000:]
    shutil.rmtree(ROOT / "build", ignore_errors=True)
    (wheel,) = dest.glob("jakpersist-*.whl")
    return wheel


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    return _build_wheel(tmp_path_factory.mktemp("wheel"))


def test_requires_python_covers_311_to_313():
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    from packaging.specifiers import SpecifierSet

    spec = SpecifierSet(meta["requires-python"])
    assert all(v in spec for v in ("3.11.0", "3.12.5", "3.13.1")) and "3.10.9" not in spec
    deps = " ".join(meta["dependencies"])
    for needed in (
        "numpy",
        "scipy",
        "pandas",
        "papermill",
        "jupytext",
        "ipykernel",
        "myst-nb",
        "gseapy",
    ):
        assert needed in deps


def test_wheel_ships_chapters_and_data_with_their_checksums(wheel):
    with zipfile.ZipFile(wheel) as z:
        names = set(z.namelist())
        manifest = yaml.safe_load(z.read("jakpersist/_data/MANIFEST.yml"))
        for src in (ROOT / "notebooks").glob("*.md"):
            assert f"jakpersist/_notebooks/{src.name}" in names
        assert "jakpersist/_notebooks/claims.yml" in names
        assert not any("/_data/cache/" in n for n in names), "the download cache must not ship"
        for entry in manifest["files"]:
            name = f"jakpersist/_data/{entry['path']}"
            assert name in names, (
                f"{entry['path']} (listed in data/MANIFEST.yml) is not in the wheel"
            )
            assert hashlib.sha256(z.read(name)).hexdigest() == entry["sha256"], entry["path"]


def _run(cmd: list[str], cwd: Path, timeout: int = 600) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "PYTHONPATH"))}
    r = subprocess.run(cmd, capture_output=True, text=True, cwd=cwd, timeout=timeout, env=env)
    assert r.returncode == 0, f"{' '.join(cmd)}\n{r.stdout[-2000:]}\n{r.stderr[-2000:]}"
    return r.stdout


def _run_g1_t1(venv: Path, work: Path) -> None:
    out = _run(
        [str(venv / "bin" / "jakbook"), "run", "g1_gdsc", "--out", "runs", "--label", "g1"], work
    )
    assert "g1_verdict = True" in out
    out = _run(
        [
            str(venv / "bin" / "jakbook"),
            "run",
            "t1_transcriptome",
            "--set",
            "n_permutations=200",
            "--set",
            "use_geo_cache=false",
            "--out",
            "runs",
            "--label",
            "t1",
        ],
        work,
    )
    assert "t1_verdict" in out
    assert not (work / "notebooks").exists() and not (work / "data").exists()


@pytest.mark.slow
@pytest.mark.skipif(PY311 is None, reason="python3.11 is not installed")
def test_wheel_installs_in_a_fresh_venv_outside_the_repository_and_runs_g1_and_t1(wheel, tmp_path):
    venv = tmp_path / "venv"
    _run([str(UV), "venv", "-q", "--python", PY311, str(venv)], tmp_path)
    # the wheel's own dependencies, at the locked versions (-c), from the uv cache: no network once
    # `make install` has run; the book-building extras (Jupyter Book, Sphinx, Playwright) are not
    # needed
    _run(
        [
            str(UV),
            "pip",
            "install",
            "-q",
            "--offline",
            "--compile-bytecode",
            "--python",
            str(venv / "bin" / "python"),
            "-c",
            str(ROOT / "requirements.lock"),
            str(wheel),
        ],
        tmp_path,
    )
    where = _run(
        [str(venv / "bin" / "python"), "-c", "import jakpersist; print(jakpersist.__file__)"],
        tmp_path,
    )
    assert str(ROOT) not in where and str(venv) in where
    # downloads (GEO, hts007) go to the user's cache, never into site-packages
    cache = _run(
        [
            str(venv / "bin" / "python"),
            "-c",
            "from jakpersist.loaders.manifest import CACHE; print(CACHE)",
        ],
        tmp_path,
    ).strip()
    assert str(venv) not in cache and cache.endswith("jakpersist"), cache
    _run_g1_t1(venv, tmp_path)


@pytest.mark.slow
@pytest.mark.skipif(PY311 is None, reason="python3.11 is not installed")
@pytest.mark.skipif(
    not (WHEELHOUSE / "requirements.lock").is_file(),
    reason="no wheelhouse: run `sh tools/wheelhouse.sh` once (needs the package registry)",
)
def test_offline_wheelhouse_recipe_installs_with_no_index(wheel, tmp_path):
    house = tmp_path / "wheelhouse"
    shutil.copytree(WHEELHOUSE, house)  # a copied folder, as a class would get it
    for old in house.glob("jakpersist-*.whl"):
        old.unlink()
    shutil.copy(wheel, house)
    venv = tmp_path / "jak"
    _run([PY311, "-m", "venv", str(venv)], tmp_path)
    _run(
        [
            str(venv / "bin" / "pip"),
            "install",
            "-q",
            "--no-index",
            "--find-links",
            str(house),
            "-c",
            str(house / "requirements.lock"),
            "jakpersist[course]",
        ],
        tmp_path,
    )
    _run_g1_t1(venv, tmp_path)
    # the [course] extra: assignment notebooks start with `import otter`
    _run([str(venv / "bin" / "python"), "-c", "import otter, jakpersist.book.variants"], tmp_path)
