"""Every file in data/ is listed in data/MANIFEST.yml with a matching checksum."""

import hashlib
from pathlib import Path

import yaml

DATA = Path(__file__).resolve().parent.parent / "data"
IGNORED = {"MANIFEST.yml", "README.md", ".gitignore"}
#: git-ignored outputs of `make atlas` (the full table and the resumable cache); the shipped
#: summaries are listed
LOCAL_ONLY = ("atlas/atlas.parquet", "atlas/.cache/", "rivals/rivals.parquet", "rivals/.cache/")


def test_manifest_lists_every_file_with_its_checksum():
    manifest = yaml.safe_load((DATA / "MANIFEST.yml").read_text())
    listed = {f["path"]: f for f in manifest["files"]}
    present = {
        p.relative_to(DATA).as_posix()
        for p in DATA.rglob("*")
        if p.is_file()
        and "cache" not in p.relative_to(DATA).parts
        and p.name not in IGNORED
        and not p.relative_to(DATA).as_posix().startswith(LOCAL_ONLY)
    }
    assert present - set(listed) == set(), (
        f"files in data/ not in MANIFEST.yml: {present - set(listed)}"
    )
    assert set(listed) - present == set(), (
        f"MANIFEST.yml lists missing files: {set(listed) - present}"
    )
    for path, entry in listed.items():
        for key in ("source", "licence", "made_by", "sha256"):
            assert entry.get(key), f"{path}: no {key}"
        digest = hashlib.sha256((DATA / path).read_bytes()).hexdigest()
        assert digest == entry["sha256"], f"{path}: checksum differs from MANIFEST.yml"
