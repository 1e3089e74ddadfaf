"""``accelsim dram``: request traces through the configured DRAM model, as users run it."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from cli_process import accelsim, assert_user_error

REPO = Path(__file__).resolve().parents[2]
DDR3_1600_X64 = """\
name: ref-ddr3-1600
sram: {size: 1 MB}
dram: {model: ddr3, preset: DDR3_1600K, bus_width_bits: 64, density_gbit: 4}
compute: {model: ideal, throughput: 1 TOPS}
policy: {name: tiled}
"""


def test_serial_sequential_reads_show_row_hit_latency(tmp_path: Path) -> None:
    hw = tmp_path / "hw.yaml"
    hw.write_text(DDR3_1600_X64)
    trace = tmp_path / "f.trace"
    trace.write_text("".join(f"R 0x{i * 64:x}\n" for i in range(500)))
    out = tmp_path / "f.json"
    proc = accelsim("dram", "--hw", str(hw), "--trace", str(trace), "--serial",
                    "--json", str(out))
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(out.read_text())
    # Reference (DRAMsim3, Ramulator 2): 20.8 ns unloaded row-hit latency (CL + BL/2 + ~1).
    assert abs(doc["avg_read_latency_ns"] - 20.8) < 1.0
    assert doc["requests"] == 500 and doc["reads"] == 500
    assert "row-hit rate" in proc.stdout


def test_streamed_writes_reach_most_of_peak(tmp_path: Path) -> None:
    hw = tmp_path / "hw.yaml"
    hw.write_text(DDR3_1600_X64)
    trace = tmp_path / "w.trace"
    trace.write_text("# 1 MiB of sequential writes\n"
                     + "".join(f"W 0x{i * 64:x}\n" for i in range(16384)))
    out = tmp_path / "w.json"
    assert accelsim("dram", "--hw", str(hw), "--trace", str(trace), "--json",
                    str(out)).returncode == 0
    doc = json.loads(out.read_text())
    assert 0.9 < doc["bandwidth_bytes_per_s"] / doc["peak_bandwidth_bytes_per_s"] <= 1.0


def test_bad_inputs(tmp_path: Path) -> None:
    trace = tmp_path / "bad.trace"
    trace.write_text("R 0x40\nX 0x80\n")
    hw = tmp_path / "hw.yaml"
    hw.write_text(DDR3_1600_X64)
    proc = accelsim("dram", "--hw", str(hw), "--trace", str(trace))
    assert proc.returncode == 2 and f"{trace}:2" in proc.stderr and "Traceback" not in proc.stderr
    proc = accelsim("dram", "--hw", "hwconfigs/1mb_ddr3.yaml", "--trace", str(trace))
    assert proc.returncode == 2 and "needs dram.model: dram" in proc.stderr
    for bad, fragment in (("DDR3_9999Z", "dram.ddr3.preset: DDR3 has no speed bin"), ):
        hw.write_text(DDR3_1600_X64.replace("DDR3_1600K", bad))
        proc = accelsim("dram", "--hw", str(hw), "--trace", str(trace))
        assert proc.returncode == 2 and fragment in proc.stderr, proc.stderr
        assert len(proc.stderr.strip().splitlines()) == 1


LPDDR4_X16 = """\
name: lp4
sram: {size: 1 MB}
dram: {model: dram, standard: LPDDR4, preset: LPDDR4-3200, density_gbit: 4}
compute: {model: ideal, throughput: 1 TOPS}
policy: {name: tiled}
"""


def test_any_standard_and_sized_requests(tmp_path: Path) -> None:
    """An LPDDR4 channel: a request is one 32-byte burst unless its line gives a size."""
    hw = tmp_path / "hw.yaml"
    hw.write_text(LPDDR4_X16)
    trace = tmp_path / "t.trace"
    trace.write_text("R 0x0\nR 0x20\nW 0x1000 256\nR 0x2000 1\n")
    out = tmp_path / "t.json"
    accelsim("dram", "--hw", str(hw), "--trace", str(trace), "--json", str(out), "-q", check=0)
    doc = json.loads(out.read_text())
    assert (doc["requests"], doc["reads"], doc["writes"], doc["bytes"]) == (4, 3, 1, 32 + 32 + 256 + 1)
    assert doc["dram"] == "LPDDR4-3200 4Gb x16 x16"
    assert doc["peak_bandwidth_bytes_per_s"] == pytest.approx(6.4e9)


@pytest.mark.parametrize("content,fragment", [
    ("R 0x0\nR 0x" + "f" * 32 + "\n", "t.trace:2: address"),
    (b"R 0x0\n\x7fELF\x02\x01\x01\x00\x00\x00", "t.trace:2: not a text line"),
])
def test_hostile_traces_are_one_error_line(tmp_path: Path, content: str | bytes,
                                           fragment: str) -> None:
    hw = tmp_path / "hw.yaml"
    hw.write_text(LPDDR4_X16)
    trace = tmp_path / "t.trace"
    if isinstance(content, bytes):
        trace.write_bytes(content)
    else:
        trace.write_text(content)
    assert_user_error(accelsim("dram", "--hw", str(hw), "--trace", str(trace)), fragment)


@pytest.mark.parametrize("old,new,fragments", [
    ("standard: LPDDR4", "standard: LPDDR3",
     ["dram.standard: unknown standard 'LPDDR3'; expected one of DDR3, DDR4, LPDDR4, LPDDR5, HBM2"]),
    ("preset: LPDDR4-3200", "preset: LPDDR4-9999",
     ["dram.preset: LPDDR4 has no speed bin 'LPDDR4-9999'; expected one of LPDDR4-1600",
      "LPDDR4-4267"]),
    ("density_gbit: 4}", "density_gbit: 4, timing: {tccd_l: 6}}",
     ["dram.timing.tccd_l: LPDDR4 has no such timing; expected one of tck_ps, cl, tdqsck"]),
    ("density_gbit: 4}", "density_gbit: 4, ranks: 2, mapping: row-bank-col}",
     ["dram.mapping: row-bank-col does not cover the address bits of rank (2 values)"]),
    ("density_gbit: 4}", "density_gbit: 4, bus_width_bits: 24}",
     ["dram.bus_width_bits: a x24 LPDDR4 bus cannot be built from x16 devices; expected one of "
      "[16, 32, 64]"]),
])
def test_bad_dram_sections_exit_2_with_one_line(tmp_path: Path, old: str, new: str,
                                                fragments: list[str]) -> None:
    hw = tmp_path / "hw.yaml"
    text = LPDDR4_X16.replace(old, new)
    assert text != LPDDR4_X16
    hw.write_text(text)
    trace = tmp_path / "t.trace"
    trace.write_text("R 0x0\n")
    assert_user_error(accelsim("dram", "--hw", str(hw), "--trace", str(trace)), *fragments)


def test_a_sweep_over_dram_standards_runs_from_one_command(tmp_path: Path) -> None:
    base = tmp_path / "hw.yaml"
    base.write_text(LPDDR4_X16.replace(", preset: LPDDR4-3200, density_gbit: 4", ""))
    out = tmp_path / "standards.csv"
    accelsim("sweep", "--hw", str(base), "--set", "dram.standard=DDR3,DDR4,LPDDR4,LPDDR5,HBM2",
             "--set", "dram.channels=1,2", "--out", str(out), check=0)
    rows = list(csv.DictReader(out.open()))
    assert len(rows) == 10 and {r["status"] for r in rows} == {"ok"}
    # Each standard's own bus: the same network takes a different time on each.
    assert len({r["performance_s"] for r in rows if r["dram.channels"] == "1"}) == 5
    # The preset alone names the standard: one axis across standards.
    base.write_text(LPDDR4_X16.replace("standard: LPDDR4, ", "").replace(", density_gbit: 4", ""))
    by_preset = tmp_path / "presets.csv"
    accelsim("sweep", "--hw", str(base), "--set", "dram.preset=DDR4-2400R,LPDDR4-3200,HBM2-2000",
             "--out", str(by_preset), check=0)
    assert {r["status"] for r in csv.DictReader(by_preset.open())} == {"ok"}
