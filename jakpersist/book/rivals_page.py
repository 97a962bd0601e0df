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
    """A ratio to H0 in words that say which kind of result it is: an estimate with its 95%
    interval, an upper or lower bound (a count of zero, bounded by the rule of three), or undefined
    (both counts zero)."""
    if bf["kind"] == "upper bound":
        return f"bound: below {bf['hi']:.2g} (this model never reproduces them; rule of three)"
    if bf["kind"] == "lower bound":
        return f"bound: above {bf['lo']:.2g} (H0 never reproduces them; rule of three on H0)"
    if bf["kind"] == "undefined":
        return "undefined: H0 and this model both never reproduce them"
    return f"estimate: {bf['ratio']:.2g} (95% interval {bf['lo']:.2g} to {bf['hi']:.2g})"


def _count_text(c: dict) -> str:
    """k of n draws, with the rule-of-three bound on the probability when k is 0."""
    text = f"{c['k']:,} of {c['n']:,}"
    if c["k"] == 0:
        text += f" (probability below {3.0 / c['n']:.2g}, rule of three)"
    return text


def _name(k: str) -> str:
    """A parameter's plain name with its code name, or a derived quantity's name as it is."""
    return k if " " in k else f"{plain(k, code=False)} (`{k}`)"


def _signed(x: float) -> str:
    """A correlation with its sign, two decimals; one that rounds to zero reads +0.00, never
    -0.00."""
    return f"{round(float(x), 2) + 0.0:+.2f}"


def _share(x: float) -> str:
    return "-" if not np.isfinite(x) else f"{x:.2f}"


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
                    "draws": _count_text(c),
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
        bc = self.summary.get("by_construction", {})
        rows = []
        for m, d in self.summary["models"].items():
            out = [
                o + (" (by construction)" if m in bc.get(o, {}) else "")
                for o, v in by.items()
                if m in v["rules_out"]
            ]
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
            src = o["tier_label"] + (f" ({o['source']})" if o.get("source") else "")
            bc = self.summary.get("by_construction", {}).get(o["id"], {})
            rows.append(
                {
                    "observation": o["id"],
                    "source": src,
                    "what": o["label"],
                    "rules out": ", ".join(v["rules_out"]) or "none",
                    "of which by construction": ", ".join(m for m in v["rules_out"] if m in bc)
                    or "none",
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
        base = {
            "nature2012": self.summary["comparison"],
            "by_mechanism": self.summary["comparison_by_mechanism"]["models"],
            "by_mechanism_with_literature": self.summary.get(
                "comparison_by_mechanism_with_literature", {}
            ).get("models", {}),
        }[key]

        def cell(c: dict | None, m: str) -> str:
            if not c:
                return "not run"
            if m == "H0" and c["bayes_factor"]["kind"] == "undefined":
                return f"{_count_text(c)}; no ratio (H0 never reproduces them)"
            return f"{_count_text(c)}; ratio {_ratio_text(c['bayes_factor'])}"

        rows = []
        for m in base:
            row = {"model": m, "ranges as declared": cell(base[m], m)}
            for f in sens.get("factors", []):
                row[f"width x {f:g}"] = cell(sens.get(key, {}).get(f"{f:g}", {}).get(m), m)
            rows.append(row)
        return pd.DataFrame(rows)

    def literature_table(self) -> pd.DataFrame:
        """Per model: the share of its plausible space where each later-literature observation
        holds (the book's reading, with its 95% interval) and the share under the lenient reading
        (the C1 rule's persistence threshold)."""
        lit = self.summary.get("literature_observations", [])
        mat = self.matrix.set_index(["model", "observation"])
        alt = pd.DataFrame(self.summary.get("literature_lenient", {}).get("matrix", []))
        alt = alt.set_index(["model", "observation"]) if len(alt) else alt
        thr = self.summary.get("literature_lenient", {}).get("threshold")
        rows = []
        for m in self.summary["models"]:
            row: dict[str, str] = {"model": m}
            for o in lit:
                r = mat.loc[(m, o)]
                row[f"{o}: share (95% interval)"] = (
                    f"{r['share']:.2f} ({r['share_lo']:.2f} to {r['share_hi']:.2f})"
                    + (" ruled out" if r["ruled_out"] else "")
                )
                if len(alt):
                    a = alt.loc[(m, o)]
                    row[f"{o}, lenient reading (fold under {thr:g})"] = (
                        f"{a['share']:.2f} ({a['share_lo']:.2f} to {a['share_hi']:.2f})"
                    )
            rows.append(row)
        return pd.DataFrame(rows)

    def literature_ratios(self, key: str = "by_mechanism") -> pd.DataFrame:
        """Per model: the ratio to H0 on the paper's observations (``key``: "nature2012", every
        Nature-abstract observation; "by_mechanism", the mechanism-only set) without the later
        literature, with it (the book's reading), and with it under the lenient reading."""
        s = self.summary
        base = s["comparison"] if key == "nature2012" else s["comparison_by_mechanism"]["models"]
        wk = (
            "comparison_with_literature"
            if key == "nature2012"
            else "comparison_by_mechanism_with_literature"
        )
        w = s.get(wk, {}).get("models", {})
        a = s.get("literature_lenient", {}).get(wk, {})
        thr = s.get("literature_lenient", {}).get("threshold")
        rows = []
        for m in base:
            row = {
                "model": m,
                "without the later literature": f"{_count_text(base[m])}; "
                f"{_ratio_text(base[m]['bayes_factor'])}",
            }
            if m in w:
                row["with Meyer et al. 2015 (fold under 2)"] = (
                    f"{_count_text(w[m])}; {_ratio_text(w[m]['bayes_factor'])}"
                )
            if m in a:
                row[f"with it, lenient reading (fold under {thr:g})"] = (
                    f"{_count_text(a[m])}; {_ratio_text(a[m]['bayes_factor'])}"
                )
            rows.append(row)
        return pd.DataFrame(rows)

    def type2_drivers_text(self, model: str = "H0") -> str:
        """Why the model's persistent cells rarely (or often) stay sensitive to CHZ868, computed
        from the shipped drivers: the share over its plausible space and over the draws where the
        mechanism-only observations hold, and the parameters the CHZ868 fold follows."""
        d = self.summary.get("type2_drivers", {}).get(model)
        if not d:
            return "No CHZ868 read-out in these results (run `make rivals`)."
        sp = d["spearman"]
        top = list(sp.items())[:3]
        partner = {k: v for k, v in sp.items() if k in ("partner_max", "partner_naive")}
        acc = d["accepted"]
        text = (
            f"Over {model}'s plausible space, persistent cells stay sensitive to CHZ868 (GI50 fold "
            f"under {d['sensitive_below']:g}) in {d['prior']['share_sensitive']:.0%} of "
            f"{d['prior']['n']:,} draws; among the {acc['n']:,} draws where the mechanism-only "
            f"observations hold, in {acc['share_sensitive']:.0%}. The CHZ868 fold follows, by "
            "Spearman rank correlation over every draw, "
            + ", ".join(f"{_name(k)} ({_signed(v)})" for k, v in top)
        )
        if partner:
            text += (
                "; the partner pool hardly enters ("
                + ", ".join(f"{_name(k)} {_signed(v)}" for k, v in partner.items())
                + ")"
            )
        text += "."
        low, acc_all = d["prior"]["by_jak2"][0], acc["n"] / max(d["prior"]["n"], 1)
        if low["n"]:
            text += (
                f" Persistent cells stay sensitive where their JAK2 rises little: below "
                f"{d['prior']['by_jak2'][1]['jak2_lo']:g}-fold of naive, in "
                f"{low['share_sensitive']:.0%} of those {low['n']:,} draws. The mechanism-only "
                f"observations hold in {low['share_accepted']:.2%} of them, against "
                f"{acc_all:.2%} over the whole space: they leave H0 few draws with little JAK2 "
                "rise."
                if low["share_accepted"] < acc_all
                else f" Persistent cells stay sensitive where their JAK2 rises little: below "
                f"{d['prior']['by_jak2'][1]['jak2_lo']:g}-fold of naive, in "
                f"{low['share_sensitive']:.0%} of those {low['n']:,} draws."
            )
        spa = d.get("spearman_accepted", {})
        esc = {k: v for k, v in spa.items() if k in ("hetero_advantage", "partner_max")}
        if esc:
            text += (
                " Among the accepted draws the fold also falls with the heterodimer mechanism's "
                "own "
                "strength ("
                + ", ".join(f"{_name(k)} {_signed(v)}" for k, v in esc.items())
                + "): draws whose persistence rests more on the heterodimer escape need less JAK2."
            )
        return text

    def type2_drivers_table(self, model: str = "H0") -> pd.DataFrame:
        """Per band of the persistent cells' JAK2 level (fold of naive): draws, the share that stays
        sensitive to CHZ868, the share where the mechanism-only observations hold, and the share
        sensitive among those."""
        d = self.summary.get("type2_drivers", {}).get(model)
        if not d:
            return pd.DataFrame()
        rows = []
        for p, a in zip(d["prior"]["by_jak2"], d["accepted"]["by_jak2"], strict=True):
            hi = "and above" if p["jak2_hi"] is None else f"to {p['jak2_hi']:g}"
            rows.append(
                {
                    "persistent JAK2 (fold of naive)": f"{p['jak2_lo']:g} {hi}",
                    "draws": f"{p['n']:,}",
                    "stay sensitive to CHZ868": _share(p["share_sensitive"]),
                    "mechanism-only observations hold": _share(p["share_accepted"]),
                    "accepted draws": f"{a['n']:,}",
                    "stay sensitive, among accepted": _share(a["share_sensitive"]),
                }
            )
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
                "expected information (bits)": f"{max(r['information_bits'], 0.0) + 0.0:.2f}",
            }
            row.update({f"P(outcome | {m})": f"{p:.2f}" for m, p in r["p_outcome"].items()})
            row["how it is simulated"] = r["how"]
            rows.append(row)
        return pd.DataFrame(rows)

    def construction_list(self) -> str:
        """The observations some model fails by construction, one bullet each with the models and
        the quantity they hold fixed (from the summary's ``by_construction``)."""
        bc = self.summary.get("by_construction", {})
        if not bc:
            return "No observation fails by construction in these results."
        tier = {o["id"]: o["tier_label"] for o in self.summary["observations"]}
        return "\n".join(f"- **{o}** [{tier.get(o, '')}]: {self.construction_text(o)}." for o in bc)

    def construction_text(self, observation: str) -> str:
        """Which models fail ``observation`` by construction and why, from the summary's
        ``by_construction`` (computed from the variants' fixed values and ties): "R1, R2 hold the
        partner pool fixed by definition"; "" when none does."""
        bc = self.summary.get("by_construction", {}).get(observation, {})
        if not bc:
            return ""
        what = sorted({q for qs in bc.values() for q in qs})
        return f"{', '.join(bc)} hold the {' and the '.join(what)} fixed by definition"

    def next_experiments_text(self) -> str:
        """One sentence: which models the ranking is over and with which prior."""
        ne = self.summary.get("next_experiments")
        if not ne:
            return "No ranking in these results (run `make rivals`)."
        prior = ne["prior"]
        tot = sum(prior.values()) or 1.0
        alive = [m for m, c in self.summary["comparison"].items() if c["survives"]]
        return (
            "Ranked over the models that survive the mechanism-only comparison ("
            + ", ".join(f"{m}, prior {p / tot:.2f}" for m, p in prior.items())
            + "; the prior is each model's joint probability of those observations, normalised), "
            "each experiment run on the model's accepted draws. Under the whole Nature abstract "
            + (
                f"only {alive[0]} survives, so there the ranking would have nothing to tell apart."
                if len(alive) == 1
                else f"{', '.join(alive)} survive."
                if alive
                else "no model survives."
            )
            + "".join(
                f" The {e} experiment is not ranked: a later source did it, and it is the "
                f"later-literature observation '{o}' above."
                for e, o in ne.get("now_observations", {}).items()
            )
        )

    def conclusion(self) -> str:
        """The comparison in one paragraph, computed from the results."""
        s = self.summary
        comp = s["comparison"]
        alive = [m for m, c in comp.items() if m != "H0" and c["survives"]]
        dead = [m for m, c in comp.items() if m != "H0" and not c["survives"]]
        h0 = comp["H0"]
        cut = s.get("survives_above", 0.05)
        text = (
            f"Under H0, every Nature-abstract observation holds together in {h0['k']:,} of "
            f"{h0['n']:,} draws ({h0['p']:.1%}). "
        )
        if dead:
            text += (
                f"Against H0, the findings jointly rule out {', '.join(dead)} (ratio to H0 below "
                f"{cut:.2g} even at the upper end of its interval or bound). "
            )
        if alive:
            text += f"They cannot rule out {', '.join(alive)} at these sample sizes. "
        coip = self.construction_text("C2 co-IP")
        for key, what in (
            (
                "comparison_without_coip",
                "Without the co-IP observation"
                + (f" (which fails by construction: {coip})" if coip else ""),
            ),
            (
                "comparison_by_mechanism",
                "On the observations no rival fails by construction ("
                + ", ".join(s["comparison_by_mechanism"]["observations"])
                + ")",
            ),
        ):
            sub = s[key]["models"]
            alive_s = [m for m, c in sub.items() if m != "H0" and c["survives"]]
            text += f"{what}, " + (
                f"{', '.join(alive_s)} cannot be ruled out. "
                if alive_s
                else "every rival is still ruled out. "
            )
        return text

    def literature_conclusion(self) -> str:
        """What the later literature changes, in one paragraph computed from the results: the
        mechanism-only comparison with and without it."""
        s = self.summary
        lit = s.get("literature_observations", [])
        if not lit:
            return "No later-literature observation in these results (run `make rivals`)."
        base = s["comparison_by_mechanism"]["models"]
        w = s["comparison_by_mechanism_with_literature"]["models"]
        mat = self.matrix.set_index(["model", "observation"])
        h0_share = float(mat.loc[("H0", lit[0]), "share"])
        before = [m for m, c in base.items() if m != "H0" and c["survives"]]
        after = [m for m, c in w.items() if m != "H0" and c["survives"]]
        bounded = [m for m in after if w[m]["bayes_factor"]["kind"] == "upper bound"]
        better = [
            m
            for m in after
            if w[m]["bayes_factor"]["kind"] in ("estimate", "lower bound")
            and (w[m]["bayes_factor"]["lo"] > 1.0)
        ]
        text = (
            f"Over H0's whole plausible space, '{lit[0]}' holds in {h0_share:.0%} of draws; "
            f"jointly with the mechanism-only observations, in {w['H0']['k']:,} of "
            f"{w['H0']['n']:,} (against {base['H0']['k']:,} without it). "
            f"Rivals that cannot be ruled out against H0 on the mechanism-only observations: "
            f"{', '.join(before) or 'none'}; with the later literature: "
            f"{', '.join(after) or 'none'}."
        )
        if bounded:
            hi = max(w[m]["bayes_factor"]["hi"] for m in bounded)
            text += (
                f" Of these, {', '.join(bounded)} never reproduce them: they stay in only because "
                f"H0 now does so rarely that their ratio is bounded at {hi:.2g}, above the "
                f"{s['survives_above']:.2g} cut."
            )
        full = s.get("comparison_with_literature", {}).get("models", {})
        if full:
            alive = [m for m, c in full.items() if m != "H0" and c["survives"]]
            text += (
                f" On every Nature-abstract observation with the later literature added, H0 "
                f"reproduces them in {full['H0']['k']:,} of {full['H0']['n']:,} draws, and "
                + (
                    f"{', '.join(alive)} can no longer be ruled out against it (bounds, not "
                    "estimates: none reproduces them)."
                    if alive
                    else "every rival is still ruled out."
                )
            )
        if better:
            text += (
                f" With it, {', '.join(better)} reproduce the observations more often than H0 "
                "even at the lower end of the ratio's interval or bound: as modelled, H0 is "
                "disfavoured by this published result against them (a finding about this model, "
                "shown, not tuned away)."
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
    # the chapter's description of the spaces, read from them: the spread around a published and an
    # assumed potency ratio (H0), and R1's largest JAK2 rise
    space = {m: {r["name"]: r for r in d["space"] if "lo" in r} for m, d in s["models"].items()}
    if "H0" in space and "R1" in space:
        for key, name in (
            ("published", "jak1_ratio_ruxolitinib"),
            ("assumed", "tyk2_ratio_fedratinib"),
        ):
            r = space["H0"][name]
            chapter.glue(f"r2_spread_{key}", float(np.sqrt(r["hi"] / r["lo"])), origin="parameter")
        chapter.glue("r2_r1_jak2_max", float(space["R1"]["jak2_max"]["hi"]), origin="parameter")
    lit = s.get("literature_lenient", {})
    drv = s.get("type2_drivers", {}).get("H0", {})
    chapter.glue("r2_type2_below", float(drv.get("sensitive_below", float("nan"))))
    chapter.glue("r2_type2_lenient", float(lit.get("threshold", float("nan"))))
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
