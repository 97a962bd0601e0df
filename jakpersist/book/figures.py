"""Figures for the prose pages (drawn from the model, so they follow its parameters)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")  # only used by `jakbook generate`, never inside a notebook
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch  # noqa: E402

from . import plotting  # noqa: E402
from dataclasses import replace  # noqa: E402

from ..model.signalling import (
    heterodimer_share,  # noqa: E402
    inhibition,  # noqa: E402
    pstat5,  # noqa: E402
    state_from_adaptation,  # noqa: E402
    trans_activated_share,  # noqa: E402
)
from ..model.params import ModelParams  # noqa: E402


def _light(c, k: float = 0.55):
    return tuple(k + (1 - k) * x for x in c[:3])


def _box(ax, xy, text, color, w=0.3, h=0.13):
    x, y = xy
    ax.add_patch(
        FancyBboxPatch((x - w / 2, y - h / 2), w, h, boxstyle="round,pad=0.02", fc=color, ec="0.3")
    )
    ax.text(x, y, text, ha="center", va="center", fontsize=plotting.MIN_FONT_PT)


def _arrow(ax, a, b, style="-|>", color="0.25", ls="-", rad=0.0):
    ax.add_patch(
        FancyArrowPatch(
            a,
            b,
            arrowstyle=style,
            mutation_scale=12,
            color=color,
            lw=1.3,
            ls=ls,
            connectionstyle=f"arc3,rad={rad}",
        )
    )


def mechanism_figure(mp: ModelParams | None = None) -> plt.Figure:
    """Left: the model's wiring. Right: homodimer and heterodimer signalling versus ruxolitinib
    dose."""
    mp = mp or ModelParams()
    plotting.set_style()
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(11, 4.2), gridspec_kw={"width_ratios": [1.2, 1]})
    ax.set_xlim(-0.02, 1.03)
    ax.set_ylim(0, 1)
    ax.axis("off")
    pal = plotting.PALETTE
    _box(ax, (0.3, 0.93), "type I inhibitor", _light(pal[3]), h=0.1)
    _box(ax, (0.3, 0.68), "JAK2-JAK2\nhomodimer", _light(pal[0]))
    _box(ax, (0.3, 0.40), "JAK2-JAK1 / TYK2\nheterodimer", _light(pal[1]))
    _box(ax, (0.3, 0.09), "adaptation z\n(weeks on drug)", "0.9")
    _box(ax, (0.72, 0.54), "pSTAT5", _light(pal[2]), w=0.18)
    _box(ax, (0.93, 0.54), "growth", _light(pal[2], 0.75), w=0.13)
    _arrow(ax, (0.3, 0.875), (0.3, 0.755), style="-[", color=pal[3])
    ax.text(0.32, 0.81, "blocks (K)", fontsize=plotting.MIN_FONT_PT, color=pal[3])
    _arrow(ax, (0.15, 0.92), (0.14, 0.42), style="-[", color=pal[3], ls="--", rad=0.35)
    ax.text(0.0, 0.6, "blocks\nless\n(s K)", fontsize=plotting.MIN_FONT_PT, color=pal[3])
    _arrow(ax, (0.46, 0.66), (0.62, 0.57))
    _arrow(ax, (0.46, 0.42), (0.62, 0.51))
    _arrow(ax, (0.81, 0.54), (0.86, 0.54))
    _arrow(ax, (0.3, 0.16), (0.3, 0.325))
    ax.text(0.32, 0.22, "more JAK1/TYK2 and JAK2", fontsize=plotting.MIN_FONT_PT)
    ax.set_title("the model's wiring", fontsize=plotting.MIN_FONT_PT + 1)
    d = np.geomspace(1, 1e5, 300)
    K = mp.potency("ruxolitinib")
    homo = inhibition(d, K, mp.drug_hill)
    free = inhibition(d, mp.hetero_advantage * K, mp.drug_hill)
    a = (
        1.0
        - mp.trans_gating
        + mp.trans_gating
        * trans_activated_share(d, state_from_adaptation(0.0, mp), "ruxolitinib", mp=mp)
    )
    ax2.plot(d, homo, color=pal[0], label="homodimer signal")
    ax2.plot(
        d, homo + a * (free - homo), color=pal[1], label="heterodimer signal (partner blocked too)"
    )
    ax2.plot(d, free, color=pal[1], ls="--", lw=1, label="heterodimer, drug-agnostic escape")
    for z, ls in ((0.0, ":"), (1.0, "-.")):
        st = state_from_adaptation(z, mp)
        h = heterodimer_share(st, mp)
        total = pstat5(d, st, "ruxolitinib", mp=replace(mp, bypass=0.0))
        ax2.plot(d, total, color="0.3", ls=ls, label=f"pSTAT5, z = {z:g} (h = {h:.2f})")
    ax2.set_xscale("log")
    ax2.set_xlabel("ruxolitinib (nM, log scale)")
    ax2.set_ylabel("signal (fraction of naive untreated)")
    ax2.legend(fontsize=plotting.MIN_FONT_PT)
    ax2.set_title(
        f"default parameters: K = {K:g} nM, s = {mp.hetero_advantage:g}, g = {mp.trans_gating:g}",
        fontsize=plotting.MIN_FONT_PT + 1,
    )
    plotting.stamp(fig, "MODEL (noise-free)")
    return fig
