"""Latency and DDR traffic against SRAM size: the README's curves, regenerated.

    python docs/sram_curves.py            # print the tables
    python docs/sram_curves.py --write    # rewrite docs/sram_curves.png and the README's tables

For the paper's MobileNet (the bundled model) and MobileNetV2-224 on the
DDR3-1066 x8 machine (``hwconfigs/1mb_ddr3_1066_tiled.yaml``), every policy
of the registry except the paper's accounting (whose SRAM is a bookkeeping
figure, not a managed buffer) runs at SRAM sizes from 32 KB to 16 MB, and
``accelsim fit`` gives the smallest size without a spill. The README's block
between the ``sram-curves`` markers is replaced; nothing else is touched.
Numbers move whenever a policy changes: rerun with ``--write`` and say why in
the commit.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import accelsim
from accelsim.api import FIT_TOO_SMALL, FitPoint
from accelsim.explore.fit import sram_curve
from accelsim.hw.config import POLICIES
from accelsim.quantity import format_bytes, format_time_ps
from accelsim.report.fit_view import draw_curves
from accelsim.report.plots import figure_bytes, new_figure

REPO = Path(__file__).resolve().parents[1]
HW = REPO / "hwconfigs" / "1mb_ddr3_1066_tiled.yaml"
MODELS = {  # README label -> model file (None: the bundled MobileNet)
    "paper MobileNet (CIFAR-10, 32x32)": None,
    "MobileNetV2-224 (torchvision layout)":
        REPO / "models" / "torchvision" / "mobilenet_v2_224.onnx",
}
SIZES_BYTES = (32_000, 64_000, 128_000, 256_000, 512_000, 1_000_000, 2_000_000, 4_000_000,
               8_000_000, 16_000_000)
PLOT = REPO / "docs" / "sram_curves.png"
BEGIN, END = "<!-- sram-curves: begin (docs/sram_curves.py --write) -->", "<!-- sram-curves: end -->"


def policies() -> list[str]:
    return [name for name in POLICIES if name != "paper"]


def cell(point: FitPoint) -> str:
    if point.status == FIT_TOO_SMALL:
        return "too small"
    spill = f", {format_bytes(point.spill_bytes)} spilled" if point.spill_bytes else ""
    return f"{format_time_ps(point.performance_ps)}, {format_bytes(point.ddr_bytes)}{spill}"


def model_table(label: str, model: Path | None) -> tuple[str, dict[str, tuple[FitPoint, ...]]]:
    names = policies()
    curves = {name: sram_curve(HW, SIZES_BYTES, model, name) for name in names}
    smallest = accelsim.fit(HW, model, names)
    lines = [f"**{label}**: latency, DDR traffic (and spill) per SRAM size", "",
             "| SRAM | " + " | ".join(names) + " |", "|---:|" + "---|" * len(names)]
    for i, size in enumerate(SIZES_BYTES):
        lines.append(f"| {format_bytes(size)} | "
                     + " | ".join(cell(curves[n][i]) for n in names) + " |")
    fits = [f"{f.policy}: {f.min_sram_bytes // 1000:,} KB" if f.min_sram_bytes is not None
            else f"{f.policy}: none ({f.error})" for f in smallest.policies]
    lines += ["", f"Smallest SRAM without a spill (`accelsim fit`): {'; '.join(fits)}.", ""]
    return "\n".join(lines), curves


def plot(all_curves: dict[str, dict[str, tuple[FitPoint, ...]]]) -> bytes:
    fig = new_figure(11.0, 4.0 * len(all_curves))
    axes = fig.subplots(len(all_curves), 2, squeeze=False)
    for row, (label, curves) in enumerate(all_curves.items()):
        draw_curves(axes[row][0], axes[row][1], curves)
        for ax in axes[row]:
            ax.set_title(label, fontsize="medium")
    fig.suptitle(f"{accelsim.load_hw(HW).name}: latency and DDR traffic against SRAM size")
    fig.tight_layout()
    return figure_bytes(fig, "png")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true",
                        help="rewrite docs/sram_curves.png and the README block")
    args = parser.parse_args()
    blocks, all_curves = [], {}
    for label, model in MODELS.items():
        if model is not None and not model.exists():
            print(f"skipped {label}: {model} is not there yet", file=sys.stderr)
            continue
        text, curves = model_table(label, model)
        blocks.append(text)
        all_curves[label] = curves
    block = "\n".join(blocks)
    print(block)
    if args.write:
        PLOT.write_bytes(plot(all_curves))
        readme = REPO / "README.md"
        text = readme.read_text()
        start, end = text.index(BEGIN) + len(BEGIN), text.index(END)
        readme.write_text(f"{text[:start]}\n{block}\n{text[end:]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
