"""``accelsim dram``: request traces through the configured DDR3 model, as users run it."""

from __future__ import annotations

import json
from pathlib import Path

from cli_process import accelsim

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
