"""The rival-models chapter (notebooks/r2_rivals.md): reads the shipped comparison and draws it.
Nothing is recomputed here; ``make rivals`` (``jakbook rivals``) writes the results this reads."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from .. import rivals
from . import chapter, plotting
from .names import plain

STAMP = "MODEL (simulated): rival model variants"


def _ratio_text(bf: dict) -> str:
    if bf["kind"] == "upper bound":
        return f"below {bf['hi']:.2g} (never reproduced; rule of three)"
    if bf["kind"] == "undefined":
        return "undefined (H0 never reproduces them)"
    return f"{bf['ratio']:.2g} (95% interval {bf['lo']:.2g} to {bf['hi']:.2g})"


@dataclass
class RivalsPage:
    """The loaded results and what the chapter shows of them."""

    summary: dict[str, Any]
    matrix: pd.DataFrame
    folder: Path

    @property
    def stale(self) -> bool:
        """True when the model, claims, atlas or rivals code changed since the results were
        computed."""
        return self.summary["code_version"] != rivals.code_version()

    def provenance(self) -> str:
        """One sentence: which command made the results, and whether they match this build's
        code."""
        s = self.summary
        text = (
            f"These results come from `jakbook rivals --samples {s['samples']}` ({s['samples']:,} "
            "independent "
            f"draws per model, {s['seconds']:.0f} s), code version `{s['code_version']}`"
        )
        if self.stale:
            return text + (
                f". **The code has changed since (now `{rivals.code_version()}`): run `make "
                "rivals` to "
                "refresh these numbers.**"
            )
        return text + ", the same code as this build."

    def heatmap(self) -> plt.Figure:
        """Share of each model's plausible space where each observation holds (rows grouped by
        tier); a cross marks an observation that rules the model out."""
        obs = self.summary["observations"]
        models = list(self.summary["models"])
        grid = self.matrix.pivot(index="observation", columns="model", values="share").loc[
            [o["id"] for o in obs], models
        ]
        out = self.matrix.pivot(index="observation", columns="model", values="ruled_out").loc[
            grid.index, models
        ]
        fig, ax = plt.subplots(figsize=(6.8, 0.36 * len(obs) + 1.4))
        im = ax.imshow(grid.to_numpy(dtype=float), cmap="viridis", vmin=0, vmax=1, aspect="auto")
        for i in range(grid.shape[0]):
            for j in range(grid.shape[1]):
                v = float(grid.iat[i, j])
                ax.text(
                    j,
                    i,
                    ("x " if out.iat[i, j] else "") + f"{v:.2f}",
                    ha="center",
                    va="center",
                    fontsize=8,
                    color="white" if v < 0.6 else "black",
                )
        ax.set_xticks(range(len(models)), models)
        ax.set_yticks(range(len(obs)), [f"{o['id']} [{o['tier']}]" for o in obs])
        tiers = [o["tier"] for o in obs]
        for k in range(1, len(tiers)):
            if tiers[k] != tiers[k - 1]:
                ax.axhline(k - 0.5, color="white", lw=2)
        fig.colorbar(im, ax=ax, label="share of the model's plausible space", fraction=0.04)
        ax.set_title(
            f"x = ruled out (95% upper bound below {self.summary['rule_out_below']:.0%})",
            fontsize=9,
        )
        plotting.stamp(fig, STAMP)
        return fig

    def comparison_table(self, key: str = "comparison") -> pd.DataFrame:
        """Per model: k of n draws where every Nature-abstract observation holds, the probability
        with its 95% interval, and the ratio to H0."""
        comp = (
            self.summary[key] if key == "comparison" else self.summary[key]["models"]
        )  # or a named subset
        rows = []
        for m, c in comp.items():
            rows.append(
                {
                    "model": m,
                    "title": self.summary["models"][m]["title"],
                    "draws": f"{c['k']} of {c['n']}",
                    "probability (95% interval)": f"{c['p']:.3f} ({c['p_lo']:.3f} to "
                    f"{c['p_hi']:.3f})",
                    "ratio to H0 (Bayes factor)": _ratio_text(c["bayes_factor"]),
                    "survives (ratio may exceed 1/20)": "yes" if c["survives"] else "no",
                }
            )
        return pd.DataFrame(rows)

    def signatures(self) -> pd.DataFrame:
        """Per model: its mechanism, its signature, and the observations that rule it out."""
        by = self.summary["by_observation"]
        rows = []
        for m, d in self.summary["models"].items():
            out = [o for o, v in by.items() if m in v["rules_out"]]
            rows.append(
                {
                    "model": m,
                    "mechanism": d["title"],
                    "signature": d["signature"],
                    "ruled out by": ", ".join(out) or "none",
                }
            )
        return pd.DataFrame(rows)

    def by_observation(self) -> pd.DataFrame:
        """Per observation (with its tier): the models it rules out and the ones it cannot tell
        apart."""
        rows = []
        for o in self.summary["observations"]:
            v = self.summary["by_observation"][o["id"]]
            rows.append(
                {
                    "observation": o["id"],
                    "source": o["tier_label"],
                    "what": o["label"],
                    "rules out": ", ".join(v["rules_out"]) or "none",
                    "cannot tell apart": ", ".join(v["cannot_tell_apart"]) or "none",
                }
            )
        return pd.DataFrame(rows)

    def posterior_table(self, top: int = 6, key: str = "nature2012") -> pd.DataFrame:
        """Per model with at least ``min_accepted`` accepted draws (``key``: "nature2012", every
        Nature-abstract observation; "by_mechanism", the mechanism-only set): the ``top`` parameters
        whose median moved most from the prior's (in units of the prior's 5-95% width), with
        accepted and prior 5/50/95% quantiles."""
        rows = []
        for m, by in self.summary["posterior"].items():
            post = by[key]
            q = post["quantiles"]
            if not q:
                continue
            shift = {
                n: abs(v["accepted"][1] - v["prior"][1])
                / max(v["prior"][2] - v["prior"][0], 1e-300)
                for n, v in q.items()
            }
            for n in sorted(shift, key=shift.get, reverse=True)[:top]:
                a, p = q[n]["accepted"], q[n]["prior"]
                rows.append(
                    {
                        "model": m,
                        "accepted draws": post["n_accepted"],
                        "draws": post.get("draws", self.summary.get("samples")),
                        "parameter": f"{plain(n, code=False)} ({n})",
                        "accepted 5% / 50% / 95%": " / ".join(f"{x:.3g}" for x in a),
                        "prior 5% / 50% / 95%": " / ".join(f"{x:.3g}" for x in p),
                    }
                )
        if not rows:
            return pd.DataFrame(
                [
                    {
                        "note": f"no model has {self.summary.get('min_accepted', 1000):,} accepted "
                        "draws "
                        "at this sample size (run `make rivals` with more RIVALS_N)"
                    }
                ]
            )
        return pd.DataFrame(rows)

    def pair_plot(self, key: str = "by_mechanism") -> plt.Figure | None:
        """Pair plot of each surviving model's own mechanism parameters over its accepted draws (up
        to 600 per model, shipped in summary.json), one row of panels per model; None when no model
        has enough."""
        comp = (
            self.summary["comparison"]
            if key == "nature2012"
            else self.summary["comparison_by_mechanism"]["models"]
        )
        models = [
            m
            for m, by in self.summary["posterior"].items()
            if by[key].get("pair_sample") and comp[m]["survives"]
        ]
        if not models:
            return None
        pairs = {
            m: [
                (a, b)
                for i, a in enumerate(self.summary["posterior"][m][key]["pair_parameters"])
                for b in self.summary["posterior"][m][key]["pair_parameters"][i + 1 :]
            ][:4]
            for m in models
        }
        ncol = max(max(len(p) for p in pairs.values()), 1)
        fig, axes = plt.subplots(
            len(models),
            ncol,
            figsize=(min(plotting.MAX_WIDTH_IN, 2.2 * ncol), 2.3 * len(models)),
            squeeze=False,
        )
        space = {
            m: {r["name"]: r for r in self.summary["models"][m]["space"] if "lo" in r}
            for m in models
        }
        for i, m in enumerate(models):
            smp = self.summary["posterior"][m][key]["pair_sample"]
            for j in range(ncol):
                ax = axes[i, j]
                if j >= len(pairs[m]):
                    ax.axis("off")
                    continue
                a, b = pairs[m][j]
                ax.scatter(smp[a], smp[b], s=3, alpha=0.4, color=f"C{i}")
                for name, setlim, setscale in (
                    (a, ax.set_xlim, ax.set_xscale),
                    (b, ax.set_ylim, ax.set_yscale),
                ):
                    r = space[m].get(name)
                    if r:
                        setlim(r["lo"], r["hi"])
                        if r["scale"] == "log-uniform":
                            setscale("log")
                ax.set_xlabel(f"{plain(a, code=False)}\n({a})", fontsize=plotting.MIN_FONT_PT)
                ax.set_ylabel(f"{plain(b, code=False)}\n({b})", fontsize=plotting.MIN_FONT_PT)
                ax.tick_params(labelsize=plotting.MIN_FONT_PT)
                if j == 0:
                    ax.set_title(
                        f"{m}: {self.summary['posterior'][m][key]['n_accepted']:,} accepted",
                        fontsize=8,
                        loc="left",
                    )
        with (
            warnings.catch_warnings()
        ):  # matplotlib notes the layout change; the page is not the place for it
            warnings.simplefilter("ignore", UserWarning)
            fig.tight_layout()
        plotting.stamp(fig, STAMP)
        return fig

    def sensitivity_table(self, key: str = "nature2012") -> pd.DataFrame:
        """Per model: the ratio to H0 with every plausible range at its declared width, halved and
        doubled."""
        sens = self.summary.get("sensitivity", {})
        base = (
            self.summary["comparison"]
            if key == "nature2012"
            else self.summary["comparison_by_mechanism"]["models"]
        )

        def cell(c: dict | None) -> str:
            return (
                f"{c['k']:,} of {c['n']:,}; ratio {_ratio_text(c['bayes_factor'])}"
                if c
                else "not run"
            )

        rows = []
        for m in base:
            row = {"model": m, "ranges as declared": cell(base[m])}
            for f in sens.get("factors", []):
                row[f"width x {f:g}"] = cell(sens.get(key, {}).get(f"{f:g}", {}).get(m))
            rows.append(row)
        return pd.DataFrame(rows)

    def next_experiments_table(self) -> pd.DataFrame:
        """The discriminating experiments, ranked by expected information (bits) about which
        surviving model is true, with each model's probability of the outcome."""
        ne = self.summary.get("next_experiments")
        if not ne:
            return pd.DataFrame()
        rows = []
        for rank, r in enumerate(ne["ranking"], 1):
            row = {
                "rank": rank,
                "experiment": r["title"],
                "outcome": r["outcome"],
                "expected information (bits)": f"{r['information_bits']:.2f}",
            }
            row.update({f"P(outcome | {m})": f"{p:.2f}" for m, p in r["p_outcome"].items()})
            row["how it is simulated"] = r["how"]
            rows.append(row)
        return pd.DataFrame(rows)

    def next_experiments_text(self) -> str:
        """One sentence: which models the ranking is over and with which prior."""
        ne = self.summary.get("next_experiments")
        if not ne:
            return "No ranking in these results (run `make rivals`)."
        prior = ne["prior"]
        tot = sum(prior.values()) or 1.0
        return (
            "Ranked over the models that survive the mechanism-only comparison ("
            + ", ".join(f"{m}, prior {p / tot:.2f}" for m, p in prior.items())
            + "; the prior is each model's joint probability of those observations, normalised), "
            "each "
            "experiment run on the model's accepted draws. Under the whole Nature abstract only H0 "
            "survives, so "
            "there the ranking would have nothing to tell apart."
        )

    def conclusion(self) -> str:
        """The comparison in one paragraph, computed from the results."""
        comp = self.summary["comparison"]
        alive = [m for m, c in comp.items() if m != "H0" and c["survives"]]
        dead = [m for m, c in comp.items() if m != "H0" and not c["survives"]]
        h0 = comp["H0"]
        text = (
            f"Under H0, every Nature-abstract observation holds together in {h0['k']} of {h0['n']} "
            "draws "
            f"({h0['p']:.1%}). "
        )
        if dead:
            text += (
                f"Against H0, the findings jointly rule out {', '.join(dead)} (ratio to H0 below "
                "1/20 even at "
                "the upper end of its interval). "
            )
        if alive:
            text += f"They cannot rule out {', '.join(alive)} at these sample sizes. "
        for key, what in (
            (
                "comparison_without_coip",
                "Without the co-IP observation (which every rival fails by "
                "its definition: none changes the partner pool)",
            ),
            (
                "comparison_by_mechanism",
                "On the observations no rival fails by definition ("
                + ", ".join(self.summary["comparison_by_mechanism"]["observations"])
                + ")",
            ),
        ):
            sub = self.summary[key]["models"]
            alive_s = [m for m, c in sub.items() if m != "H0" and c["survives"]]
            text += f"{what}, " + (
                f"{', '.join(alive_s)} cannot be ruled out. "
                if alive_s
                else "every rival is still ruled out. "
            )
        return text


def load_page(folder: str | Path = "data/rivals") -> RivalsPage:
    """Load the results in ``folder`` and glue the chapter's numbers (r2_*). Raises
    FileNotFoundError naming ``make rivals`` when there are none."""
    s, mat = rivals.load(folder)
    page = RivalsPage(s, mat, Path(folder))
    chapter.glue("r2_samples", int(s["samples"]))
    chapter.glue("r2_min_accepted", int(s.get("min_accepted", 1000)))
    chapter.glue("r2_models", len(s["models"]))
    chapter.glue("r2_rule_out_pct", float(100 * s["rule_out_below"]))
    h0 = s["comparison"]["H0"]
    chapter.glue("r2_h0_joint", float(h0["p"]))
    chapter.glue("r2_h0_k", int(h0["k"]))
    for m, c in s["comparison"].items():
        chapter.glue(
            f"r2_bf_hi_{m.lower()}",
            float(c["bayes_factor"]["hi"])
            if np.isfinite(c["bayes_factor"]["hi"])
            else float("nan"),
        )
    return page
