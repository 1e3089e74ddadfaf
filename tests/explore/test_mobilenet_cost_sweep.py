"""The MobileNet paper's cost formula, checked by sweeping alpha and rho.

Section 3.3: a depthwise separable layer with width multiplier alpha and
resolution multiplier rho costs D_K^2 * alpha M * rho^2 D_F^2 (depthwise) +
alpha M * alpha N * rho^2 D_F^2 (pointwise) multiply-adds. Channel counts
and map sides are integers: alpha M is int(M * alpha) and rho D_F follows
from round(28 * rho) through the strides, as the bundled model builds them.
"""

from __future__ import annotations

from pathlib import Path

from accelsim.explore import LocalExecutor, build_space, read_results, run_sweep
from accelsim.workload.zoo import PAPER_INPUT_SIDE, TABLE1_BODY, scale_channels, scale_side

REPO = Path(__file__).resolve().parents[2]
ALPHAS = (0.25, 0.5, 0.75, 1.0)
RHOS = (0.5, 0.75, 1.0)


def paper_macs(alpha: float, rho: float) -> int:
    side = scale_side(PAPER_INPUT_SIDE, rho)
    m = 3  # image channels are never scaled
    total = 0
    for spec in TABLE1_BODY:
        d_k = spec.kernel
        d_f = (side + 2 * (d_k // 2) - d_k) // spec.stride + 1  # output side
        if spec.kind == "depthwise":
            total += d_k * d_k * m * d_f * d_f  # D_K^2 * alpha M * (rho D_F)^2
            n = m
        else:
            n = scale_channels(spec.out_channels, alpha)
            total += d_k * d_k * m * n * d_f * d_f  # alpha M * alpha N * (rho D_F)^2 (D_K = 1)
        m, side = n, d_f
    return total + m * 10  # and the 10-class FC (the average pool is vector work)


def test_sweep_macs_follow_the_papers_cost_formula(tmp_path: Path) -> None:
    space = build_space(hw=REPO / "hwconfigs" / "1mb_ddr3.yaml",
                        sets=[f"model.alpha={','.join(map(str, ALPHAS))}",
                              f"model.rho={','.join(map(str, RHOS))}"])
    pool = LocalExecutor(2)
    try:
        summary = run_sweep(space, tmp_path / "r.csv", pool)
    finally:
        pool.close()
    assert summary.complete and summary.invalid == 0
    _, rows = read_results(tmp_path / "r.csv")
    assert len(rows) == len(ALPHAS) * len(RHOS)
    for row in rows:
        assert row["macs"] == paper_macs(row["model.alpha"], row["model.rho"]), row
    full = next(r for r in rows if r["model.alpha"] == 1.0 and r["model.rho"] == 1.0)
    assert full["macs"] == 121_488_640 + 2_560  # Table 1 body, FC
    assert full["vector_ops"] > 7 * 7 * 256  # the pool's 12,544 adds, the Relus, the softmax
    # Cost falls roughly as alpha^2 rho^2 (the pointwise term dominates).
    quarter = next(r for r in rows if r["model.alpha"] == 0.5 and r["model.rho"] == 0.5)
    assert 0.05 < quarter["macs"] / full["macs"] < 0.08
