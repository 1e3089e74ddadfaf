"""``accelsim.fit``: the smallest spill-free SRAM of each policy, confirmed by the SimPy engine.

Every registered policy is fitted (a policy added to the registry is covered
without a change here); each answer N is simulated with ``accelsim.simulate``
(the SimPy engine, not the fast path the search uses): no spill at N, a spill
or the policy's "too small" error at N - 1 KB.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import accelsim
from accelsim.api import FIT_OK, FIT_SPILL, FIT_TOO_SMALL
from accelsim.errors import AccelsimError, ConfigError
from accelsim.explore.fit import fit, plan_spills, sram_curve
from accelsim.hw.config import POLICIES, HwConfig, load_hw
from accelsim.hw.factory import build_policy
from accelsim.sim.policies import SramTooSmallError
from accelsim.workload import load_model

TILED = "1mb_ddr3_1066_tiled"


def on(hw: HwConfig, policy: str, size_bytes: int) -> HwConfig:
    """``hw`` under ``policy`` (its own settings if it is the config's, else defaults)
    with an SRAM of ``size_bytes``."""
    update: dict[str, object] = {"sram": {"size": f"{size_bytes} B"}}
    if hw.policy.name != policy:
        update["policy"] = {"name": policy}
    return hw.model_copy(update=update)


def spills(network: accelsim.Network, hw: HwConfig) -> bool | None:
    """Whether the SimPy engine's run spills; None when the policy refuses the SRAM."""
    try:
        totals = accelsim.simulate(network, hw).totals()
    except SramTooSmallError:
        return None
    return totals["spill_bytes"] > 0 or totals["spilled_layer_count"] > 0


@pytest.fixture(scope="module")
def bundled_fit() -> accelsim.FitResult:
    return accelsim.fit(TILED)


def test_every_registered_policy_gets_a_size_the_simpy_engine_confirms(
        bundled_fit: accelsim.FitResult) -> None:
    hw = load_hw(TILED)
    network = load_model(accelsim.api.bundled_model_path())
    assert [f.policy for f in bundled_fit.policies] == list(POLICIES)
    for fitted in bundled_fit.policies:
        n = fitted.min_sram_bytes
        assert n is not None and n % 1000 == 0, fitted
        assert spills(network, on(hw, fitted.policy, n)) is False, (fitted.policy, n)
        assert spills(network, on(hw, fitted.policy, n - 1000)) in (True, None), (fitted.policy, n)


def test_the_ladder_is_spill_free_exactly_from_the_answer_up(
        bundled_fit: accelsim.FitResult) -> None:
    for fitted in bundled_fit.policies:
        sizes = [p.sram_bytes for p in fitted.ladder]
        assert sizes == sorted(set(sizes))
        assert fitted.min_sram_bytes - 1000 in sizes and 1_000_000 in sizes  # the config's
        for point in fitted.ladder:
            below = point.sram_bytes < fitted.min_sram_bytes
            assert (point.status != FIT_OK) == below, (fitted.policy, point)
            if point.status == FIT_SPILL:
                assert point.spill_bytes > 0 and point.performance_ps > 0
            if point.status == FIT_OK:
                assert point.spill_bytes == 0 and point.ddr_bytes > 0
        assert fitted.at_min is not None and fitted.at_min.status == FIT_OK


def test_a_ladder_point_has_the_figures_of_accelsim_run(
        bundled_fit: accelsim.FitResult) -> None:
    fitted = bundled_fit.policy("tiled")
    hw = load_hw(TILED)
    network = load_model(accelsim.api.bundled_model_path())
    for point in (fitted.ladder[0], fitted.at_min):
        assert point is not None
        totals = accelsim.simulate(network, on(hw, "tiled", point.sram_bytes)).totals()
        assert (point.performance_ps, point.ddr_bytes, point.spill_bytes) == (
            totals["performance_ps"], totals["ddr_bytes"], totals["spill_bytes"])


def test_the_search_reads_spill_from_the_plan_as_the_simulation_counts_it() -> None:
    hw = load_hw(TILED)
    network = load_model(accelsim.api.bundled_model_path())
    for size in (50_000, 101_000, 400_000):
        sized = on(hw, "tiled", size)
        plan = build_policy(sized).prepare(network.work(), sized.sram.size)
        assert plan_spills(plan) == spills(network, sized)


def test_fitting_one_policy_and_a_grid_of_any_step() -> None:
    result = fit("1mb_ddr3", policies=["paper"], step_bytes=4096)
    (paper,) = result.policies
    assert paper.policy == "paper" and paper.min_sram_bytes % 4096 == 0
    network = load_model(accelsim.api.bundled_model_path())
    hw = load_hw("1mb_ddr3")
    assert spills(network, on(hw, "paper", paper.min_sram_bytes)) is False
    assert spills(network, on(hw, "paper", paper.min_sram_bytes - 4096)) in (True, None)


def test_a_point_too_small_for_the_policy_says_why() -> None:
    result = fit("1mb_ddr3", policies=["paper"])
    small = [p for p in result.policy("paper").ladder if p.status == FIT_TOO_SMALL]
    for point in small:
        assert "too small" in point.error and point.ddr_bytes == 0


def test_an_unknown_policy_names_the_registered_ones() -> None:
    with pytest.raises(ConfigError, match="unknown policy 'nope'; expected one of paper"):
        fit(TILED, policies=["tiled", "nope"])


def huge_model(tmp_path: Path) -> Path:
    """A layer table whose second layer holds 1.25 TB: beyond any SRAM accelsim takes."""
    path = tmp_path / "huge.csv"
    path.write_text("input_fmap_bits,output_fmap_bits,weight_params,macs\n"
                    "8000,8000,10,100\n5000000000000,5000000000000,10,100\n")
    return path


def test_a_model_that_fits_no_size_is_one_error_line(tmp_path: Path) -> None:
    with pytest.raises(AccelsimError) as info:
        fit(TILED, huge_model(tmp_path))
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith("huge cannot run on paper-1mb-ddr3-1066-tiled without a spill")
    for name in POLICIES:
        assert f"{name}: too small even at 1.1 TB (the size limit)" in message


def test_a_curve_at_chosen_sizes_is_the_fit_ladder_at_those_sizes(
        bundled_fit: accelsim.FitResult) -> None:
    ladder = bundled_fit.policy("paper").ladder
    curve = sram_curve(TILED, [p.sram_bytes for p in ladder], policy="paper")
    assert curve == ladder
