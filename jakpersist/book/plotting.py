"""One shared figure style: seaborn's colour-blind-safe palette, fixed colours per population."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import seaborn as sns

PALETTE = sns.color_palette("colorblind")
POPULATION_COLORS = {
    "naive": PALETTE[0],
    "persistent": PALETTE[1],
    "withdrawn": PALETTE[2],
    "re-challenged": PALETTE[3],
    "knock-down": PALETTE[4],
}
MARKERS = {"naive": "o", "persistent": "s", "withdrawn": "^", "re-challenged": "D"}


#: Smallest font (points) used in the book's figures; with figures at most ~11 in wide this keeps
#: every label at >= 9 CSS px in the ~800 px content column (tests/test_browser.py measures it).
MIN_FONT_PT = 10.5
#: Widest figure (inches) that keeps MIN_FONT_PT text at >= 9 CSS px in the page column.
MAX_WIDTH_IN = 9.0
#: One shading convention for every time axis: a light grey band means "drug on".
DRUG_ON_SHADE = "0.88"


def _vector_output() -> None:
    """In a Jupyter kernel, show figures as SVG (vector, text kept as text); elsewhere do
    nothing."""
    try:
        from IPython import get_ipython
        from matplotlib_inline.backend_inline import set_matplotlib_formats
    except ImportError:  # plain Python: nothing to configure
        return
    if get_ipython() is None:
        return
    # metadata Date=None: the same figure gives the same file (no build date inside the SVG)
    set_matplotlib_formats("svg", metadata={"Date": None})


def set_style() -> None:
    """Apply the book's figure style (call once per notebook).

    Figures are SVG in notebooks (vector; sharp at any zoom, text searchable), PNG fallbacks at 200
    dpi; fonts are at least :data:`MIN_FONT_PT` so labels stay legible once the figure is scaled to
    the page column.
    """
    sns.set_theme(context="notebook", style="whitegrid", palette="colorblind", font_scale=1.0)
    f = MIN_FONT_PT
    plt.rcParams.update(
        {
            "figure.dpi": 100,
            "savefig.dpi": 200,
            "figure.constrained_layout.use": True,
            "svg.fonttype": "none",
            "svg.hashsalt": "jakbook",
            "font.family": "sans-serif",
            "font.sans-serif": ["DejaVu Sans", "Arial", "Helvetica", "sans-serif"],
            "font.size": f + 1,
            "axes.labelsize": f + 1.5,
            "axes.titlesize": f + 1.5,
            "xtick.labelsize": f,
            "ytick.labelsize": f,
            "legend.fontsize": f,
            "legend.title_fontsize": f,
            "figure.titlesize": f + 1.5,
        }
    )
    _vector_output()
    _table_style()


def _table_style() -> None:
    """Tables on the page: numbers rounded for reading (3 decimals) unless a table says otherwise,
    and in a notebook every plain DataFrame shown as :func:`page_table` shows it (readable column
    names with units, drug names, no running row number). A table formatted on purpose (a pandas
    ``Styler``) is left alone."""
    import pandas as pd

    pd.set_option("display.precision", 3)
    pd.set_option("styler.format.precision", 3)
    try:
        from IPython import get_ipython
    except ImportError:
        return
    ip = get_ipython()
    if ip is not None:
        ip.display_formatter.formatters["text/html"].for_type(pd.DataFrame, page_table_html)


def page_table_html(df) -> str:
    """HTML of a DataFrame as a reader should see it: ``dose_nM`` -> ``dose (nM)``,
    ``jak_inhibitor_1`` -> ``JAK Inhibitor I``, snake_case row labels in words, numbers to 3
    decimals, no 0, 1, 2... index."""
    import pandas as pd

    from ..model.params import DRUG_LABELS
    from .chapter import readable_column

    out = df.copy()
    for col in out.columns:
        if pd.api.types.is_object_dtype(out[col]) or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(lambda v: DRUG_LABELS.get(v, v) if isinstance(v, str) else v)
    out = out.rename(columns=lambda c: readable_column(c) if isinstance(c, str) else c)
    plain_index = isinstance(out.index, pd.RangeIndex)
    if not plain_index:
        out = out.rename(index=lambda i: readable_column(i) if isinstance(i, str) else i)
    sty = out.style.format(precision=3)
    if plain_index:
        sty = sty.hide(axis="index")
    return sty.to_html()


def color(population: str) -> tuple:
    """Colour of a population (grey for unknown names)."""
    return POPULATION_COLORS.get(population, (0.4, 0.4, 0.4))


def fit_to_column(fig: plt.Figure, max_width_in: float = MAX_WIDTH_IN) -> None:
    """Narrow a figure wider than ``max_width_in`` (height kept), so its text stays legible in the
    page column.

    An SVG is shown at most ~700 CSS px wide on a desktop page; a figure W inches wide is scaled by
    700 / (72 W), so an 11-inch figure would show 10.5 pt text at under 9 px. Constrained layout
    re-flows the axes into the narrower figure.
    """
    w, h = fig.get_size_inches()
    if w > max_width_in:
        fig.set_size_inches(max_width_in, h)


def floor_fonts(fig: plt.Figure, min_pt: float = MIN_FONT_PT) -> None:
    """Raise every legend text, legend title and annotation of ``fig`` to at least ``min_pt``
    points."""
    legends = [*fig.legends, *(ax.get_legend() for ax in fig.axes)]
    texts = [t for leg in legends if leg is not None for t in (*leg.get_texts(), leg.get_title())]
    texts += [t for ax in fig.axes for t in ax.texts]
    for t in texts:
        if t.get_fontsize() < min_pt:
            t.set_fontsize(min_pt)


def stamp(fig: plt.Figure, text: str = "SIMULATED (model)") -> None:
    """Write the evidence kind into the figure itself, so it travels with any copy of the image.

    The stamp sits *below* the figure's bottom edge (right-aligned, under the x-axis label), outside
    every axes and legend, so nothing drawn inside the figure can cover it; the notebook's tight
    bounding box grows to include it. (Not above the top edge: a tight bounding box moves a
    ``fig.legend(loc="upper right")`` up to the new top, onto the stamp.) Every book
    figure is stamped just before it is shown, so this is also where it is fitted to the page column
    (:func:`fit_to_column`) and its legend and annotation text raised to the book's minimum
    (:func:`floor_fonts`).
    """
    fit_to_column(fig)
    floor_fonts(fig)
    fig.text(
        0.995,
        -0.01,
        text,
        ha="right",
        va="top",
        fontsize=MIN_FONT_PT,
        color="0.25",
        fontweight="bold",
        transform=fig.transFigure,
        bbox=dict(boxstyle="round,pad=0.25", fc="white", ec="0.55", lw=0.7),
    )


def shade_drug_on(ax: plt.Axes, start: float, end: float, *, label: str | None = "drug on") -> None:
    """Shade a time interval during which the drug is on (the book's one shading convention)."""
    ax.axvspan(start, end, color=DRUG_ON_SHADE, zorder=0, lw=0, label=label)


def log_dose_axis(ax: plt.Axes, label: str = "dose (nM, log scale)") -> None:
    """A log10 dose axis with a labelled unit."""
    ax.set_xscale("log")
    ax.set_xlabel(label)


STAGE_ORDER = ("naive", "persistent", "withdrawn", "re-challenged")


def ordered(populations) -> list[str]:
    """Populations in schedule order (naive, persistent, withdrawn, re-challenged), others after."""
    present = list(dict.fromkeys(populations))
    return [p for p in STAGE_ORDER if p in present] + [p for p in present if p not in STAGE_ORDER]


def dose_response(
    ax: plt.Axes,
    plate,
    fits: dict,
    *,
    drug: str,
    colors: dict | None = None,
    mark_gi50: bool = False,
    xlabel: str | None = None,
) -> None:
    """Wells (points) and fitted curves (lines) of every population for one drug on one axis.

    ``plate`` is a tidy plate table, ``fits`` maps (population, drug) to a fitted curve;
    ``mark_gi50`` adds a dotted line at each absolute GI50 that lies inside the tested doses.
    """
    for pop, g in plate[plate["drug"] == drug].groupby("population", sort=False):
        pos = g[g["dose_nM"] > 0]
        c = (colors or {}).get(pop, color(pop))
        ax.scatter(
            pos["dose_nM"],
            pos["viability"],
            s=12,
            alpha=0.65,
            color=c,
            marker=MARKERS.get(pop, "o"),
        )
        fit = fits[(pop, drug)]
        xs = np.geomspace(pos["dose_nM"].min(), pos["dose_nM"].max(), 200)
        ax.plot(xs, fit.predict(xs), color=c, label=pop)
        if mark_gi50 and fit.gi50_absolute().ok:
            ax.axvline(fit.gi50_absolute().value, color=c, ls=":", lw=1)
    log_dose_axis(ax, xlabel or "dose (nM, log scale)")
    ax.axhline(0.5, color="0.6", lw=0.8)
