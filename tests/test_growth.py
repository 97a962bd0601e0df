"""Known answers for GR values, GR metrics and DIP rates (Hafner et al. 2016; Harris et al. 2016).

Noise-free exponential time courses: a well growing at k doublings/h from x0 has x(t) = x0 2**(k t),
so its GR value is 2**(k / k_ctrl) - 1, its DIP rate is k, and its relative viability at t is 2**((k
- k_ctrl) t).
"""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings, strategies as st

from jakpersist.analysis import growth as gw

DOSES = 10.0 ** np.arange(-1, 4.01, 0.5)  # nM, 11 doses


def gr_true(dose, gr_inf=-0.3, gec50=50.0, h=1.5):
    return gw.gr_curve(dose, gr_inf, np.log10(gec50), h)


def plate(k_ctrl: float, gr_fn, times=None, delay_rate=None, x0=100.0) -> pd.DataFrame:
    """Tidy counts of one line: 4 control wells and 2 wells per dose, exponential growth from x0
    (times in h, default 0 to 120 every 6 h)."""
    times = np.arange(0.0, 121.0, 6.0) if times is None else times
    rows, wid = [], 0
    for dose in [0.0] * 4 + list(np.repeat(DOSES, 2)):
        wid += 1
        gr = 1.0 if dose == 0 else float(gr_fn(dose))
        k = k_ctrl * np.log2(1.0 + gr)  # doublings/h giving this GR value
        for t in times:
            if delay_rate is not None and t < 24:
                y = x0 * 2 ** (k_ctrl * t)  # drug not yet acting: control growth for 24 h
            elif delay_rate is not None:
                y = x0 * 2 ** (k_ctrl * 24 + k * (t - 24))
            else:
                y = x0 * 2 ** (k * t)
            rows.append(
                {
                    "well_id": wid,
                    "plate": "P1",
                    "cell_line": "L",
                    "drug": "control" if dose == 0 else "D",
                    "dose_nM": dose,
                    "control": dose == 0,
                    "time_h": t,
                    "count": y,
                }
            )
    return pd.DataFrame(rows)


def test_gr_value_closed_form():
    # cytostatic: no growth gives GR 0 whatever the control rate; half the control rate gives
    # sqrt(2) - 1
    assert gw.gr_value(100, 100, 400)[()] == pytest.approx(0.0)
    assert gw.gr_value(200, 100, 400)[()] == pytest.approx(np.sqrt(2) - 1)
    assert gw.gr_value(50, 100, 400)[()] == pytest.approx(2**-0.5 - 1)
    assert gw.gr_value(400, 100, 400)[()] == pytest.approx(1.0)
    with pytest.raises(ValueError, match="did not grow"):
        gw.gr_value(50, 100, 90)


def test_gr_metrics_recover_parameters_from_noise_free_curve():
    gr = gr_true(DOSES)
    m = gw.gr_metrics(np.repeat(DOSES, 2), np.repeat(gr, 2))
    assert m.gr_inf == pytest.approx(-0.3, abs=1e-6)
    assert m.gec50 == pytest.approx(50.0, rel=1e-5)
    assert m.h_gr == pytest.approx(1.5, rel=1e-5)
    # GR50 in closed form: GEC50 * ((1 - GRinf) / (0.5 - GRinf) - 1) ** (1 / h)
    assert m.gr50 == pytest.approx(50.0 * ((1.3 / 0.8) - 1) ** (1 / 1.5), rel=1e-5)
    assert m.gr_max == pytest.approx(min(gr[-2:]))
    lx = np.log10(DOSES)
    assert m.gr_aoc == pytest.approx(np.trapezoid(1 - gr, lx) / (lx[-1] - lx[0]))
    assert not m.flat and m.p_flat < 1e-6


def test_flat_gr_curve_follows_grmetrics_convention():
    rng = np.random.default_rng(0)
    y = 0.9 + rng.normal(0, 0.02, DOSES.size * 2)
    m = gw.gr_metrics(np.repeat(DOSES, 2), y)
    assert m.flat and m.gr50 == np.inf and m.gec50 == 0.0 and m.h_gr == 0.01
    assert m.gr_inf == pytest.approx(y.mean())


def test_time_course_gives_gr_viability_and_dip_in_closed_form():
    k_ctrl = 1 / 24  # one doubling a day
    counts = plate(k_ctrl, gr_true)
    ws = gw.well_summary(counts, time_h=72.0, delay_h=24.0)
    resp = gw.response_table(ws)
    expected_gr = gr_true(resp["dose_nM"].to_numpy())
    np.testing.assert_allclose(resp["gr"], expected_gr, atol=1e-9)
    k = k_ctrl * np.log2(1 + expected_gr)
    np.testing.assert_allclose(resp["dip_h"], k, atol=1e-12)
    np.testing.assert_allclose(resp["viability"], 2 ** ((k - k_ctrl) * 72.0), rtol=1e-9)
    np.testing.assert_allclose(ws.loc[ws["control"], "rate_h"], k_ctrl)
    # the DIP fit (absolute rates, controls at dose 0) recovers E0 = k_ctrl and Emax = k_ctrl log2(1
    # + GRinf)
    cm = gw.curve_metrics(resp, ws, "L", drug="D")
    assert cm["gr50_nM"] == pytest.approx(50.0 * (1.3 / 0.8 - 1) ** (1 / 1.5), rel=1e-4)
    assert cm["dip_e0_h"] == pytest.approx(k_ctrl, rel=1e-3)
    assert cm["dip_emax_h"] == pytest.approx(k_ctrl * np.log2(0.7), rel=0.05)


def test_dip_rate_ignores_the_stated_delay():
    k_ctrl = 1 / 30
    counts = plate(k_ctrl, gr_true, delay_rate=True)
    ws = gw.well_summary(counts, time_h=96.0, delay_h=24.0)
    tr = ws[~ws["control"]]
    expected = k_ctrl * np.log2(1 + gr_true(tr["dose_nM"].to_numpy()))
    np.testing.assert_allclose(tr["dip_h"], expected, atol=1e-12)


def test_growth_rate_confound_gi50_moves_gr50_does_not():
    """Two lines with the same GR curve but different division rates: same GR50, different GI50."""
    out = {}
    for name, k in (("fast", 1 / 20), ("slow", 1 / 60)):
        counts = plate(k, lambda d: gr_true(d, gr_inf=0.0))  # cytostatic drug
        ws = gw.well_summary(counts, 72.0, 24.0)
        resp = gw.response_table(ws)
        out[name] = gw.curve_metrics(resp, ws, "L", drug="D")
    assert out["fast"]["gr50_nM"] == pytest.approx(out["slow"]["gr50_nM"], rel=1e-4)
    # the slow line never falls to 50% of vehicle in 72 h under a purely cytostatic drug:
    # 2**(-72/60) = 0.44
    assert out["fast"]["gi50_nM"] < out["slow"]["gi50_nM"] or np.isnan(out["slow"]["gi50_nM"])


@settings(max_examples=25, deadline=None)
@given(k_ctrl=st.floats(0.005, 0.1), gr=st.floats(-0.9, 0.99), t=st.floats(12.0, 120.0))
def test_gr_value_is_independent_of_assay_time(k_ctrl, gr, t):
    k = k_ctrl * np.log2(1 + gr)
    x0 = 1000.0
    assert gw.gr_value(x0 * 2 ** (k * t), x0, x0 * 2 ** (k_ctrl * t))[()] == pytest.approx(
        gr, abs=1e-9
    )


def test_gr50_fold_from_counts_plate():
    rows = []
    for pop, gec in (("naive", 10.0), ("persistent", 80.0)):
        for d in [0.0, *DOSES]:
            gr = 1.0 if d == 0 else float(gr_true(d, gec50=gec))
            k = np.log(2) / 24 * np.log2(1 + gr)
            rows.append(
                {
                    "population": pop,
                    "drug": "rux",
                    "dose_nM": d,
                    "count_t0": 1000.0,
                    "count": 1000.0 * np.exp(k * 72),
                }
            )
    plate_ = pd.DataFrame(rows)
    # counts in natural-log growth: GR uses log2 ratios, which are scale-free, so the fold is
    # GEC-driven
    fold = gw.gr50_fold(plate_)
    assert fold.loc[0, "fold"] == pytest.approx(8.0, rel=1e-3)


def test_response_table_names_plate_without_controls():
    counts = plate(1 / 24, gr_true)
    counts = counts[~counts["control"]]
    ws = gw.well_summary(counts, 72.0)
    with pytest.raises(ValueError, match="P1"):
        gw.response_table(ws)


def test_reader_time_course_csv_runs_through_gr_analysis(tmp_path):
    from jakpersist.loaders.timecourse_csv import read_time_course

    counts = plate(1 / 24, gr_true)
    counts["well"] = "W" + counts["well_id"].astype(str)
    counts[["plate", "well", "time_h", "count"]].to_csv(tmp_path / "counts.csv", index=False)
    pmap = counts.drop_duplicates("well")[["plate", "well", "cell_line", "drug", "dose_nM"]]
    pmap.to_csv(tmp_path / "map.csv", index=False)
    tidy = read_time_course(tmp_path / "counts.csv", tmp_path / "map.csv")
    ws = gw.well_summary(tidy, 72.0)
    resp = gw.response_table(ws)
    np.testing.assert_allclose(resp["gr"], gr_true(resp["dose_nM"].to_numpy()), atol=1e-9)


def test_reader_time_course_errors_name_the_well(tmp_path):
    from jakpersist.loaders.readers import ReaderDataError
    from jakpersist.loaders.timecourse_csv import read_time_course

    (tmp_path / "c.csv").write_text(
        "plate,well,time_h,count\nP1,A01,0,10\nP1,A01,24,20\nP1,A01,48,40\n"
        "P1,A02,0,10\nP1,A02,24,ten\n"
    )
    (tmp_path / "m.csv").write_text("plate,well,cell_line,drug,dose_nM\nP1,A01,L,x,0\n")
    with pytest.raises(ReaderDataError, match="line 6, column 'count'"):
        read_time_course(tmp_path / "c.csv", tmp_path / "m.csv")
    (tmp_path / "c.csv").write_text(
        "plate,well,time_h,count\nP1,A01,0,10\nP1,A01,24,20\nP1,A01,48,40\nP1,A02,0,10\n"
    )
    with pytest.raises(ReaderDataError, match="well 'A02' has counts but is not in the plate map"):
        read_time_course(tmp_path / "c.csv", tmp_path / "m.csv")


def test_plate_counts_noise_free_and_gr50_fold_of_persistent_cells():
    from jakpersist import assays, model
    from jakpersist.model.params import ModelParams

    mp = ModelParams()
    _, persistent = model.persistent_state(mp, "ruxolitinib", 1000.0, days=42.0)
    pops = {"naive": model.state_from_adaptation(0.0, mp), "persistent": persistent}
    doses = assays.dilution_series(10000.0, 10, 3.0)
    pc = assays.plate_counts(
        pops,
        ["ruxolitinib"],
        doses,
        mp=mp,
        rng=np.random.default_rng(0),
        n_replicates=2,
        noise_sd=0.0,
        hours=72.0,
    )
    np.testing.assert_allclose(pc["count_t0"], 2000.0)
    np.testing.assert_allclose(pc["count"], 2000.0 * np.exp(pc["rate_per_h"] * 72.0))
    # relative viability of the counts plate equals the model's viability (same growth law)
    veh = pc[pc["dose_nM"] == 0].groupby("population")["count"].mean()
    via = pc["count"] / pc["population"].map(veh)
    expected = np.concatenate(
        [
            model.agent_viability(np.r_[0.0, doses], st, "ruxolitinib", mp=mp, hours=72.0)
            for st in pops.values()
            for _ in range(2)
        ]
    )
    np.testing.assert_allclose(via, expected, rtol=1e-9)
    assert gw.gr50_fold(pc).loc[0, "fold"] > 2


def test_dip_fit_recovers_a_log_logistic_rate_curve():
    """DIP rates that follow an LL4 in dose exactly: E0, Emax, EC50, Hill and IC50 come back."""
    e0, emax, ec50, h = 0.03, -0.01, 40.0, 1.3
    dose = np.r_[np.zeros(4), np.repeat(DOSES, 2)]
    rate = gw.dr.ll4(dose, emax, e0, np.log10(ec50), h)
    f = gw.fit_dip(dose, rate)
    assert f.status == "ok"
    assert (f.e0_h, f.emax_h, f.ec50_nM, f.hill) == pytest.approx((e0, emax, ec50, h), rel=1e-5)
    # IC50: the rate is half of E0 where (e0 - emax) / (1 + r) = e0 / 2 - emax
    assert f.ic50_nM == pytest.approx(
        ec50 * ((e0 - emax) / (e0 / 2 - emax) - 1) ** (1 / h), rel=1e-5
    )
    assert f.emax_rel == pytest.approx(emax / e0, rel=1e-5)
    # weighting by the rates' standard errors leaves an exact curve unchanged
    assert gw.fit_dip(
        dose, rate, sigma=np.linspace(0.001, 0.003, dose.size)
    ).ec50_nM == pytest.approx(ec50, rel=1e-5)
