"""Virtual assays: simulated measurements from the model, with seeded noise and replicates.

Every table returned here is *simulated*; each has a ``source`` column saying so, and the chapters
label their figures accordingly. The tidy layouts match the reader-data CSV formats in
:mod:`jakpersist.readers`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..model.signalling import CellState, agent_viability, pstat5, viability
from ..model.params import HSP90_INHIBITOR, ModelParams

SIMULATED = "simulated (model)"


def dilution_series(top_nM: float, n_doses: int, dilution: float) -> np.ndarray:
    """Doses (nM), lowest first: ``top_nM`` divided by ``dilution`` n_doses-1 times (vehicle not
    included)."""
    if top_nM <= 0 or n_doses < 1 or dilution <= 1:
        raise ValueError("need top_nM > 0, n_doses >= 1 and dilution > 1")
    return top_nM / dilution ** np.arange(n_doses - 1, -1, -1)


def plate_viability(
    populations: dict[str, CellState],
    drugs: list[str],
    doses_nM: np.ndarray,
    *,
    mp: ModelParams,
    rng: np.random.Generator,
    n_replicates: int = 3,
    noise_sd: float = 0.05,
    hours: float = 72.0,
) -> pd.DataFrame:
    """Viability plates: every population x drug x (vehicle + doses) x replicate well.

    Columns: population, drug, dose_nM, replicate, viability (fraction of the vehicle mean), source.
    Noise is additive Gaussian on the fraction of vehicle (assumption).
    """
    rows = []
    doses = np.concatenate([[0.0], np.asarray(doses_nM, float)])
    for pop, state in populations.items():
        for drug in drugs:
            truth = agent_viability(doses, state, drug, mp=mp, hours=hours)
            for rep in range(1, n_replicates + 1):
                noisy = truth + rng.normal(0.0, noise_sd, doses.size)
                for d, v in zip(doses, noisy, strict=False):
                    rows.append((pop, drug, float(d), rep, float(v)))
    df = pd.DataFrame(rows, columns=["population", "drug", "dose_nM", "replicate", "viability"])
    df["source"] = SIMULATED
    return df


def plate_counts(
    populations: dict[str, CellState],
    drugs: list[str],
    doses_nM: np.ndarray,
    *,
    mp: ModelParams,
    rng: np.random.Generator,
    n_replicates: int = 3,
    noise_sd: float = 0.05,
    hours: float = 72.0,
    seeding_cells: float = 2000.0,
) -> pd.DataFrame:
    """Cell-count plates with a time-zero read: what GR metrics need (Hafner et al., Nat Methods
    2016).

    Every population x drug x (vehicle + doses) x replicate well is seeded with ``seeding_cells``
    cells, counted at time zero (``count_t0``) and after ``hours`` (``count``); each population
    grows at its own model rate, N(t) = N0 exp(r(dose) t), so a slower-dividing population has a
    smaller vehicle count at the end. Noise (assumption): each count is multiplied by a log-normal
    factor of log-s.d. ``noise_sd``. This is a separate function from :func:`plate_viability` and
    draws from its own ``rng``: existing plates and their random streams are unchanged.

    Columns: population, drug, dose_nM, replicate, count_t0, count (cells per well), hours,
    rate_per_h (the model's noise-free net growth rate, natural log per hour), source.
    """
    from ..model.signalling import growth_rate

    rows = []
    doses = np.concatenate([[0.0], np.asarray(doses_nM, float)])
    for pop, state in populations.items():
        for drug in drugs:
            r0 = float(
                growth_rate(
                    pstat5(0.0, state, "ruxolitinib" if drug == HSP90_INHIBITOR else drug, mp=mp),
                    mp,
                )
            )
            r = r0 + np.log(agent_viability(doses, state, drug, mp=mp, hours=hours)) / hours
            for rep in range(1, n_replicates + 1):
                n0 = seeding_cells * _lognormal(rng, noise_sd, doses.size)
                n1 = seeding_cells * np.exp(r * hours) * _lognormal(rng, noise_sd, doses.size)
                for d, a, b, k in zip(doses, n0, n1, r, strict=False):
                    rows.append((pop, drug, float(d), rep, float(a), float(b), hours, float(k)))
    df = pd.DataFrame(
        rows,
        columns=[
            "population",
            "drug",
            "dose_nM",
            "replicate",
            "count_t0",
            "count",
            "hours",
            "rate_per_h",
        ],
    )
    df["source"] = SIMULATED
    return df


def pstat5_curve(
    populations: dict[str, CellState], drug: str, doses_nM: np.ndarray, *, mp: ModelParams
) -> pd.DataFrame:
    """Noise-free model pSTAT5 (fraction of naive vehicle) versus dose, for plotting the
    mechanism."""
    frames = [
        pd.DataFrame(
            {
                "population": pop,
                "drug": drug,
                "dose_nM": doses_nM,
                "pstat5": pstat5(doses_nM, st, drug, mp=mp),
            }
        )
        for pop, st in populations.items()
    ]
    df = pd.concat(frames, ignore_index=True)
    df["source"] = "model (noise-free)"
    return df


def _lognormal(rng: np.random.Generator, sd: float, size: int | None = None) -> np.ndarray:
    return np.exp(rng.normal(0.0, sd, size))


def coip_bands(
    populations: dict[str, CellState],
    mp: ModelParams,
    rng: np.random.Generator,
    *,
    n_blots: int = 3,
    noise_sd: float = 0.15,
) -> pd.DataFrame:
    """Co-immunoprecipitation with a JAK2 antibody: JAK2, JAK1 and TYK2 band intensities (arbitrary
    units).

    The IP pulls down JAK2 in every complex; a partner band is proportional to JAK2 complexes that
    contain that partner: JAK1 band = JAK2 band x h x JAK1/(JAK1+TYK2). Each lane has its own
    pull-down efficiency, and each band multiplicative (log-normal) noise of s.d. ``noise_sd``
    (assumption). Columns: blot, population, target, intensity, source.
    """
    from ..model.signalling import heterodimer_share

    rows = []
    for blot in range(1, n_blots + 1):
        for pop, st in populations.items():
            eff = float(_lognormal(rng, 0.3))
            h = heterodimer_share(st, mp)
            part = st.partner if st.partner > 0 else 1.0
            truth = {
                "JAK2": st.jak2,
                "JAK1": st.jak2 * h * st.jak1 / part,
                "TYK2": st.jak2 * h * st.tyk2 / part,
            }
            for target, amount in truth.items():
                rows.append(
                    (blot, pop, target, float(1000 * eff * amount * _lognormal(rng, noise_sd)))
                )
    df = pd.DataFrame(rows, columns=["blot", "population", "target", "intensity"])
    df["source"] = SIMULATED
    return df


def phospho_blot(
    populations: dict[str, CellState],
    drug: str,
    dose_nM: float,
    *,
    mp: ModelParams,
    rng: np.random.Generator,
    n_blots: int = 3,
    noise_sd: float = 0.15,
) -> pd.DataFrame:
    """Western blot densitometry at one dose: pSTAT5, pSTAT3 and a loading control per lane.

    pSTAT3 is assumed to follow the same complexes as pSTAT5 (assumption). Lane loading varies
    (log-normal, s.d. 0.2); each band has multiplicative noise. Columns: blot, population, target,
    intensity, source.
    """
    rows = []
    for blot in range(1, n_blots + 1):
        for pop, st in populations.items():
            load = float(_lognormal(rng, 0.2))
            s = float(pstat5(dose_nM, st, drug, mp=mp))
            for target, amount in (("pSTAT5", s), ("pSTAT3", s), ("loading", 1.0)):
                rows.append(
                    (blot, pop, target, float(1000 * load * amount * _lognormal(rng, noise_sd)))
                )
    df = pd.DataFrame(rows, columns=["blot", "population", "target", "intensity"])
    df["dose_nM"] = dose_nM
    df["source"] = SIMULATED
    return df


def qpcr_ct(
    jak2_levels: dict[str, float],
    rng: np.random.Generator,
    n_bio: int = 4,
    *,
    n_tech: int = 3,
    ct_jak2: float = 24.0,
    ct_ref: float = 17.0,
    bio_sd: float = 0.15,
    tech_sd: float = 0.1,
    reference_gene: str = "ACTB",
) -> pd.DataFrame:
    """JAK2 and reference-gene Ct values (cycles): Ct = baseline - log2(relative mRNA) + noise.

    JAK2 mRNA is assumed proportional to JAK2 protein level (assumption); perfect amplification
    efficiency. Columns: population, replicate (biological), gene, ct, source.
    """
    rows = []
    for pop, level in jak2_levels.items():
        for bio in range(1, n_bio + 1):
            b_j, b_r = rng.normal(0, bio_sd, 2)
            for _ in range(n_tech):
                rows.append(
                    (pop, bio, "JAK2", ct_jak2 - np.log2(level) + b_j + rng.normal(0, tech_sd))
                )
                rows.append((pop, bio, reference_gene, ct_ref + b_r + rng.normal(0, tech_sd)))
    df = pd.DataFrame(rows, columns=["population", "replicate", "gene", "ct"])
    df["source"] = SIMULATED
    return df


def jak2_blot(
    populations: dict[str, CellState],
    hsp90_nM: float,
    mp: ModelParams,
    *,
    rng: np.random.Generator,
    n_blots: int = 3,
    noise_sd: float = 0.15,
) -> pd.DataFrame:
    """Whole-cell JAK2 and loading-control bands after PU-H71 (``hsp90_nM``) or vehicle, per
    population.

    Populations are labelled ``<name> vehicle`` and ``<name> PU-H71``. Columns: blot, population,
    target, intensity, source.
    """
    from ..model.signalling import jak2_after_hsp90

    rows = []
    for blot in range(1, n_blots + 1):
        for pop, st in populations.items():
            for label, h in (("vehicle", 0.0), (HSP90_INHIBITOR, hsp90_nM)):
                load = float(_lognormal(rng, 0.2))
                j = float(jak2_after_hsp90(st, h, mp))
                for target, amount in (("JAK2", j), ("loading", 1.0)):
                    rows.append(
                        (
                            blot,
                            f"{pop} {label}",
                            target,
                            float(1000 * load * amount * _lognormal(rng, noise_sd)),
                        )
                    )
    df = pd.DataFrame(rows, columns=["blot", "population", "target", "intensity"])
    df["source"] = SIMULATED
    return df


def knockdown_growth(
    populations: dict[str, CellState],
    fraction: float,
    mp: ModelParams,
    *,
    rng: np.random.Generator,
    n_replicates: int = 3,
    noise_sd: float = 0.05,
    hours: float = 72.0,
    gene: str = "jak2",
) -> pd.DataFrame:
    """Growth of cells with an shRNA against ``gene`` relative to the same cells with a control
    shRNA.

    Untreated (no inhibitor). Columns: population, shRNA, replicate, viability, pstat5 (model,
    noise-free), source.
    """
    rows = []
    for pop, st in populations.items():
        for sh, cells in (("control", st), (f"sh{gene.upper()}", st.knock_down(gene, fraction))):
            truth = float(viability(0.0, cells, "ruxolitinib", mp=mp, hours=hours, reference=st))
            s = float(pstat5(0.0, cells, "ruxolitinib", mp=mp))
            for rep in range(1, n_replicates + 1):
                rows.append((pop, sh, rep, truth + float(rng.normal(0, noise_sd)), s))
    df = pd.DataFrame(rows, columns=["population", "shRNA", "replicate", "viability", "pstat5"])
    df["source"] = SIMULATED
    return df


def combination_matrix(
    state: CellState,
    drug: str,
    doses_nM: np.ndarray,
    *,
    hsp90_doses_nM: np.ndarray,
    mp: ModelParams,
    rng: np.random.Generator,
    n_replicates: int = 3,
    noise_sd: float = 0.05,
    hours: float = 72.0,
) -> pd.DataFrame:
    """Viability over a JAK2-inhibitor x PU-H71 dose matrix (both including 0). Columns: dose_nM,
    hsp90_nM, replicate, viability, source."""
    rows = []
    for h in hsp90_doses_nM:
        truth = viability(doses_nM, state, drug, mp=mp, hours=hours, hsp90_nM=h)
        for rep in range(1, n_replicates + 1):
            noisy = truth + rng.normal(0, noise_sd, truth.size)
            rows += [
                (float(d), float(h), rep, float(v)) for d, v in zip(doses_nM, noisy, strict=False)
            ]
    df = pd.DataFrame(rows, columns=["dose_nM", "hsp90_nM", "replicate", "viability"])
    df["source"] = SIMULATED
    return df


def expression_standin(
    states: dict[str, CellState],
    drug: str,
    dose_nM: float,
    *,
    gene_sets: dict[str, list[str]],
    mp: ModelParams,
    rng: np.random.Generator,
    n_replicates: int = 3,
    n_background: int = 2000,
    noise_sd: float = 0.25,
    responsive_share: float = 0.6,
) -> pd.DataFrame:
    """A simulated log2 expression matrix (genes x samples) shaped like a naive/persistent/withdrawn
    design.

    All samples are taken in drug at ``dose_nM``. STAT5 target genes (the IL-2/STAT5 and classic
    sets) move with log2 of the model's pSTAT5 (slope 1 for a random ``responsive_share`` of them, 0
    for the rest; assumption); IL-6/JAK/STAT3 genes with slope 0.3 (assumption); JAK2 with log2 of
    the JAK2 level. Background genes are named ``SIMGENE0001``... so that they cannot be mistaken
    for real genes. Columns are named ``<population>_<replicate>``.
    """
    stat5 = sorted({g for k, v in gene_sets.items() if "STAT5" in k for g in v})
    stat3 = sorted({g for k, v in gene_sets.items() if "STAT3" in k for g in v} - set(stat5))
    genes = sorted(set(stat5) | set(stat3) | {"JAK2"}) + [
        f"SIMGENE{i:04d}" for i in range(1, n_background + 1)
    ]
    base = rng.normal(8.0, 1.5, len(genes))
    idx = {g: i for i, g in enumerate(genes)}
    slope5 = np.zeros(len(genes))
    for g in stat5:
        slope5[idx[g]] = 1.0 if rng.random() < responsive_share else 0.0
    slope3 = np.zeros(len(genes))
    for g in stat3:
        slope3[idx[g]] = 0.3
    cols = {}
    for pop, st in states.items():
        s = max(float(pstat5(dose_nM, st, drug, mp=mp)), 1e-3)
        mean = base + (slope5 + slope3) * np.log2(s)
        mean[idx["JAK2"]] += np.log2(st.jak2)
        for rep in range(1, n_replicates + 1):
            cols[f"{pop}_{rep}"] = mean + rng.normal(0.0, noise_sd, len(genes))
    return pd.DataFrame(cols, index=pd.Index(genes, name="gene"))
