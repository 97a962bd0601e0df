"""Pages generated from code, so that the site and the package cannot disagree.

Written to book/generated/ (git-ignored) by ``jakbook generate``; included by the hand-written
pages.
"""

from __future__ import annotations

from pathlib import Path

from .budget import pages as budget_pages
from .execute import NOTEBOOKS
from ..model.params import DRUG_PARAMS, MODEL_PARAMS, Param
from .params import SETTINGS
from ..loaders.readers import FORMATS
from .findings import display_order
from .names import plain, plain_in_text
from .registry import claim_box, load, render_page

GENERATED = Path(__file__).resolve().parents[2] / "book" / "generated"


def _num(x: object) -> str:
    return f"{x:g}" if isinstance(x, float) else str(x)


#: Display groups of the parameter tables (page layout only; the parameters themselves live in
#: params.py).
PARAM_GROUPS: dict[str, tuple[str, ...]] = {
    "Heterodimers and partner kinases": (
        "hetero_advantage",
        "pairing_affinity",
        "partner_naive",
        "partner_max",
        "jak1_share",
    ),
    "JAK2 expression and a JAK2-independent bypass": ("jak2_max", "bypass"),
    "Growth from STAT5 signalling": ("r_max", "growth_half_signal", "growth_hill", "death_rate"),
    "Slow adaptation on drug and relaxation off drug": ("adapt_rate", "relax_half_time"),
    "HSP90 inhibitor (PU-H71)": ("hsp90_K", "hsp90_hill", "hsp90_other_clients"),
    "In-vivo illustration": ("vivo_turnover", "vivo_normal_fitness", "vivo_normal_drug_effect"),
}


def _table(params: tuple[Param, ...] | list[Param]) -> list[str]:
    lines = [
        "| parameter (code name) | default | unit | valid range | meaning | provenance |",
        "|---|---|---|---|---|---|",
    ]
    for p in params:
        default = f'"{p.default}"' if isinstance(p.default, str) else _num(p.default)
        lines.append(
            f"| {plain(p.name)} | {default} | {p.unit or '-'} | {p.range_text()} | "
            f"{plain_in_text(p.help)} | "
            f"{p.provenance} |"
        )
    return lines


def parameter_table(params: tuple[Param, ...], grouped: bool = False) -> str:
    """A Markdown table of declared parameters: name, default, unit, valid range, meaning,
    provenance.

    ``grouped``: one collapsible block (sphinx-design dropdown) per :data:`PARAM_GROUPS` group, the
    first open; parameters in no group go to a last "Other" block.
    """
    if not grouped:
        return "\n".join(_table(params)) + "\n"
    by_name = {p.name: p for p in params}
    groups = {g: [by_name[n] for n in names if n in by_name] for g, names in PARAM_GROUPS.items()}
    placed = {p.name for ps in groups.values() for p in ps}
    groups["Other"] = [p for p in params if p.name not in placed]
    out = []
    for i, (g, ps) in enumerate((g, ps) for g, ps in groups.items() if ps):
        out += [f"::::{{dropdown}} {g} ({len(ps)} parameter{'s' if len(ps) > 1 else ''})"]
        if i == 0:
            out.append(":open:")
        out += ["", *_table(ps), "", "::::", ""]
    return "\n".join(out)


def chapter_parameters(chapter: str) -> str:
    """The parameters of one chapter as a table for readers (MyST): plain name with the code name in
    brackets, default of the chapter, unit, meaning. The chapter's ``parameters`` cell (folded on
    the site) holds the same values as code."""
    from ..model.params import ALL_PARAMS
    from .execute import parameters_of

    rows = ["| parameter (code name) | default | unit | meaning |", "|---|---|---|---|"]
    for name, info in parameters_of(NOTEBOOKS / f"{chapter}.md").items():
        p = ALL_PARAMS.get(name)
        default = str(info["default"]).strip()
        if default in ('""', "''"):
            default = "(empty)"
        unit = (p.unit if p else "") or "-"
        meaning = p.help if p else str(info["help"])
        rows.append(
            f"| {plain(name)} | {default.replace('|', '/')} | {unit} | "
            f"{plain_in_text(meaning).replace('|', '/')} |"
        )
    return "\n".join(rows) + "\n"


def repository_url() -> str:
    """The repository URL from _config.yml (one place to change it)."""
    import yaml

    cfg = yaml.safe_load((GENERATED.parent.parent / "_config.yml").read_text(encoding="utf-8"))
    return str(cfg["repository"]["url"]).rstrip("/")


#: chapter -> the example input files (in data/examples/) a reader can download and pass as
#: ``data_path``
EXAMPLE_INPUTS: dict[str, tuple[str, ...]] = {
    "c1_persistence": ("plate_example.csv", "plate_export_grid.csv", "plate_export_grid.map.csv"),
    "c2_heterodimers": ("bands_example.csv",),
    "c3_reversibility": ("qpcr_example.csv", "qpcr_export_cfx.csv", "qpcr_export_cfx.samples.csv"),
}


def example_inputs(chapter: str) -> str:
    """The launch box's line of example inputs to download ("" when the chapter takes none)."""
    files = EXAMPLE_INPUTS.get(chapter, ())
    if not files:
        return ""
    links = ", ".join(f"{{download}}`{f} <../../data/examples/{f}>`" for f in files)
    return (
        "- **Example input** (simulated by the book's model and labelled so in the file; the "
        "format, not "
        f"data): {links}. Run the chapter on it with `--set data_path=data/examples/{files[0]}`; "
        "every format "
        f"is on {{doc}}`../your-data`.\n"
    )


def launch_box(chapter: str) -> str:
    """The 'run this chapter yourself' box of a chapter: downloads, Binder, Colab, local re-run."""
    url = repository_url()
    gh = url.split("github.com/")[-1]
    return f"""```{{admonition}} Run this chapter yourself
:class: tip
- **Download** the executed notebook (the download button at the top of the page), or the
  {{download}}`student version <../student/{chapter}.ipynb>` (no outputs, solutions removed).
{example_inputs(chapter)}- **Binder**: [launch on mybinder.org](https://mybinder.org/v2/gh/{gh}/HEAD?urlpath=lab/tree/notebooks/{chapter}.md)
  builds the environment from `environment.yml` and opens the chapter through jupytext.
- **Colab**: open [Google Colab](https://colab.research.google.com/), choose *File > Upload
  notebook* and the downloaded `.ipynb`, and run `%pip install "git+{url}"` in a first cell.
- **On your machine**: `make book`, then `.venv/bin/jakbook run {chapter} --set NAME=VALUE`
  ({{doc}}`../rerun`).
```
"""


def data_table() -> str:
    """Every shipped data file with its source, version, licence, checksum and the command that made
    it."""
    import yaml

    manifest = yaml.safe_load(
        (GENERATED.parent.parent / "data" / "MANIFEST.yml").read_text(encoding="utf-8")
    )
    out = []
    for e in manifest["files"]:
        out += [
            f"### `data/{e['path']}`",
            "",
            f"- **kind:** {e.get('kind', '')}",
            f"- **source:** {e['source']}",
            f"- **version:** {e.get('version', '')}",
            f"- **licence / terms:** {e['licence']}",
        ]
        if e.get("citation"):
            out.append(f"- **cite:** {e['citation']}")
        out += [f"- **made by:** `{e['made_by']}`", f"- **sha256:** `{e['sha256']}`", ""]
    return "\n".join(out)


def pages() -> dict[str, str]:
    """File name -> content of every generated include."""
    formats = []
    from ..loaders.platemap import PLATE_MAP

    for name, schema in FORMATS.items():
        formats += [
            f"### `{name}`: {schema.name}",
            "",
            schema.description,
            "",
            schema.markdown_table(),
            "",
        ]
    return {
        "claims.md": render_page(display_order(load())),
        "model-parameters.md": parameter_table(MODEL_PARAMS, grouped=True),
        "drug-parameters.md": parameter_table(DRUG_PARAMS),
        "run-parameters.md": parameter_table(SETTINGS),
        "formats.md": "\n".join(formats),
        "plate-map-format.md": PLATE_MAP.markdown_table()
        + "\n| `plate` (optional) | text | a plate's title "
        "in the export, or 1, 2, ... | without it every plate has this layout |\n",
        "data-files.md": data_table(),
        **{f"launch/{src.stem}.md": launch_box(src.stem) for src in sorted(NOTEBOOKS.glob("*.md"))},
        **{
            f"params/{src.stem}.md": chapter_parameters(src.stem)
            for src in sorted(NOTEBOOKS.glob("*.md"))
        },
        **budget_pages(),
        "plausible-ranges.md": plausible_table(),
        "course-points.md": course_points(),
        **{f"claim/{c.id}.md": claim_box(c) for c in load()},
    }


def course_points() -> str:
    """The graded chapters' exercise points and the most a copy of the public site's answers can
    earn (the instructor guide includes it: computed from the exercise table, never typed)."""
    from .exercises import points_table

    return points_table()


def plausible_table() -> str:
    """The plausible range of every model parameter (what the robustness atlas samples), with its
    source."""
    from ..model.params import DRUG_PARAMS as _D, MODEL_PARAMS as _M, RUN_PARAMS as _R

    rows = [
        "| parameter (code name) | default | unit | plausible range | sampled | why this range |",
        "|---|---|---|---|---|---|",
    ]
    for p in (*_M, *_D, *(r for r in _R if r.plausible)):
        if (
            p.plausible is None
        ):  # held at its default by the atlas (its provenance says why the value)
            rows.append(
                f"| {plain(p.name)} | {p.default:g} | {p.unit or '-'} | fixed at the default | not "
                "sampled | "
                f"{p.provenance} |"
            )
            continue
        lo, hi = p.plausible
        rows.append(
            f"| {plain(p.name)} | {p.default:g} | {p.unit or '-'} | {lo:g} to {hi:g} | "
            f"{'log-uniform' if p.log_scale else 'uniform'} | {p.plausible_why} |"
        )
    return "\n".join(rows) + "\n"


def write_pages(folder: Path, pages: dict[str, str]) -> list[Path]:
    """Write ``pages`` (file name under ``folder`` -> text); a file whose content is unchanged is
    not touched. Returns the files written."""
    changed = []
    for name, text in pages.items():
        f = folder / name
        f.parent.mkdir(parents=True, exist_ok=True)
        if not f.exists() or f.read_text(encoding="utf-8") != text:
            f.write_text(text, encoding="utf-8")
            changed.append(f)
    return changed


def write_all(folder: Path = GENERATED) -> list[Path]:
    """Write every generated include: the pages above, the landing page's findings and the
    at-a-glance cards (:mod:`.findings`), the cite box and execution statistics (:mod:`.sitepages`).
    A file whose content is unchanged is not touched. Returns the files written."""
    from .findings import pages as findings_pages
    from .sitepages import pages as site_pages

    folder.mkdir(parents=True, exist_ok=True)
    changed = []
    fig_path = folder / "mechanism.svg"
    if not fig_path.exists() or fig_path.stat().st_mtime < max(
        *(Path(__file__).with_name(f).stat().st_mtime for f in ("figures.py", "plotting.py")),
        *(
            Path(__file__).parents[1].joinpath("model", f).stat().st_mtime
            for f in ("params.py", "signalling.py")
        ),
    ):
        from .figures import mechanism_figure

        mechanism_figure().savefig(fig_path, bbox_inches="tight", metadata={"Date": None})
        changed.append(fig_path)
    return changed + write_pages(folder, {**pages(), **findings_pages(), **site_pages()})
