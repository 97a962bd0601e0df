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


def set_style() -> None:
    """Apply the book's figure style (call once per notebook)."""
    sns.set_theme(context="notebook", style="whitegrid", palette="colorblind", font_scale=1.0)
    plt.rcParams.update({"figure.dpi": 110, "savefig.dpi": 150, "axes.titlesize": "medium",
                         "figure.constrained_layout.use": True})


def color(population: str) -> tuple:
    """Colour of a population (grey for unknown names)."""
    return POPULATION_COLORS.get(population, (0.4, 0.4, 0.4))


def stamp(fig: plt.Figure, text: str = "SIMULATED (model)") -> None:
    """Write the evidence kind into the figure itself (top right), so it travels with any copy of the image.

    Uses the figure's suptitle slot, so constrained layout keeps it clear of the axes.
    """
    fig.suptitle(text, x=0.995, ha="right", fontsize=8, color="0.3", fontweight="bold",
                 bbox=dict(boxstyle="round,pad=0.25", fc="white", ec="0.6", lw=0.6))


def log_dose_axis(ax: plt.Axes, label: str = "dose (nM, log scale)") -> None:
    """A log10 dose axis with a labelled unit."""
    ax.set_xscale("log")
    ax.set_xlabel(label)


STAGE_ORDER = ("naive", "persistent", "withdrawn", "re-challenged")


def ordered(populations) -> list[str]:
    """Populations in schedule order (naive, persistent, withdrawn, re-challenged), others after."""
    present = list(dict.fromkeys(populations))
    return [p for p in STAGE_ORDER if p in present] + [p for p in present if p not in STAGE_ORDER]


def dose_response(ax: plt.Axes, plate, fits: dict, drug: str, colors: dict | None = None,
                  mark_gi50: bool = False, xlabel: str | None = None) -> None:
    """Wells (points) and fitted curves (lines) of every population for one drug on one axis.

    ``plate`` is a tidy plate table, ``fits`` maps (population, drug) to a fitted curve; ``mark_gi50`` adds a
    dotted line at each absolute GI50 that lies inside the tested doses.
    """
    for pop, g in plate[plate["drug"] == drug].groupby("population", sort=False):
        pos = g[g["dose_nM"] > 0]
        c = (colors or {}).get(pop, color(pop))
        ax.scatter(pos["dose_nM"], pos["viability"], s=12, alpha=0.65, color=c, marker=MARKERS.get(pop, "o"))
        fit = fits[(pop, drug)]
        xs = np.geomspace(pos["dose_nM"].min(), pos["dose_nM"].max(), 200)
        ax.plot(xs, fit.predict(xs), color=c, label=pop)
        if mark_gi50 and fit.gi50_absolute().ok:
            ax.axvline(fit.gi50_absolute().value, color=c, ls=":", lw=1)
    log_dose_axis(ax, xlabel or "dose (nM, log scale)")
    ax.axhline(0.5, color="0.6", lw=0.8)
