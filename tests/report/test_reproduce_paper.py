"""The paper's Tables 3 and 4 from the paper's own sizes and from the Table 1 ONNX model."""

from __future__ import annotations

from decimal import Decimal

import pytest

from accelsim.api import bundled_hw_path, bundled_model_path, simulate
from accelsim.hw.config import load_hw
from accelsim.report.reproduce import at_printed_precision, compare_with_paper, paper_sizes_path
from accelsim.workload import load_model


@pytest.fixture(scope="module")
def paper_sizes():
    run = simulate(load_model(paper_sizes_path()), load_hw(bundled_hw_path()))
    return compare_with_paper(run, "paper_sizes", "paper sizes")


@pytest.fixture(scope="module")
def table1():
    run = simulate(load_model(bundled_model_path()), load_hw(bundled_hw_path()))
    return run, compare_with_paper(run, "table1_onnx", "table 1")


def test_paper_sizes_reproduce_51_of_54_memory_cells(paper_sizes) -> None:
    assert paper_sizes.count(3) == (51, 54)
    disagree = {(c.table, c.layer, c.column) for c in paper_sizes.cells
                if c.table == 3 and not c.agrees}
    assert disagree == {(3, 25, "data_movement_bits"), (3, 26, "internal_memory_bits"),
                        (3, 27, "internal_memory_bits")}


def test_paper_sizes_reproduce_79_of_81_timing_cells(paper_sizes) -> None:
    assert paper_sizes.count(4) == (79, 81)
    disagree = {(c.layer, c.column) for c in paper_sizes.cells if c.table == 4 and not c.agrees}
    assert disagree == {(25, "data_movement_s"), (25, "performance_s")}


def test_every_disagreement_is_explained(paper_sizes, table1) -> None:
    assert paper_sizes.unexplained == ()
    assert table1[1].unexplained == ()


def test_printed_total_is_off_its_rows_by_layer_7(paper_sizes) -> None:
    total = paper_sizes.total
    assert total.sum_of_rows_s == Decimal("0.002455779312")
    gap = Decimal(total.published_s) - total.sum_of_rows_s
    assert abs(gap - Decimal("5.25926E-06")) < Decimal("1e-9")  # rows are printed to 1e-9 s


def test_table1_overflows_at_23_and_totals_about_1_41_ms(table1) -> None:
    run, _ = table1
    assert [r.index for r in run.sim.spilled_layers] == [23]
    assert run.sim.layers[22].data_movement_bits == 8_136_192
    assert run.sim.layers[22].internal_memory_bits == 8_070_656
    assert 1.40e-3 < run.sim.total_ps / 1e12 < 1.42e-3


@pytest.mark.parametrize("value, printed, shown", [
    (Decimal("0.000003922752"), "3.92275E-06", "3.92275E-06"),
    (Decimal("0.000002568"), "0.000002568", "0.000002568"),
    (Decimal("0.001009167168"), "0.001009167", "0.001009167"),
    (Decimal("0.000000576"), "0.001008264", "0.000000576"),
    (Decimal("0.0000012345650"), "1.23456E-06", "1.23457E-06"),  # half up
])
def test_printed_precision(value, printed, shown) -> None:
    assert at_printed_precision(value, printed) == shown


def test_the_papers_spill_counts_as_spill_without_moving_a_cell(table1) -> None:
    """Layer 23 writes the resident set out: those bytes are spill bytes (issue 12: it
    reported spill_bytes 0 while spilled_layers was [23]); the cells stay as they were."""
    from accelsim.figures import run_totals

    run, comparison = table1
    layer = run.sim.layers[22]
    assert layer.spill_bits == layer.ddr_write_bits == 8_070_656  # the resident set, out
    figures = run_totals(run)
    assert figures["spill_bytes"] == figures["ddr_write_bytes"] == 1_008_832
    assert figures["spilled_layers"] == [23]
    assert comparison.unexplained == ()
