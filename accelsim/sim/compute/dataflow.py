"""Dataflows of a systolic array as records: which operand stays, how long a fold takes.

Every model here sees a convolution group as a matrix product, the way
SCALE-Sim builds its operand matrices (``scalesim/compute/operand_matrix.py``):

- ``m`` = Ho x Wo, output pixels (rows of the im2col input matrix),
- ``k`` = Kh x Kw x Cin_per_group, the window (its columns = the filter rows),
- ``n`` = Cout_per_group, the filters (columns of the filter matrix).

A dataflow pins two of the three dimensions to the R rows and C columns of the
array and streams the third through it in time (``T``). The array is tiled
("folded") over the two pinned dimensions:

    folds = ceil(rows_dim / R) x ceil(cols_dim / C)

and, as SCALE-Sim v2/v3 build their per-fold demand matrices (the number of
rows of those matrices is the number of cycles), each fold lasts

    per_fold = fill_passes x R + C + T - 2

The layer's reported count is ``folds x per_fold - 1``: SCALE-Sim reports the
index of the cycle in which the last output is written
(``scalesim/memory/double_buffered_scratchpad_mem.py``:
``total_cycles = ofmap_serviced_cycles[-1]``), a zero-based count.

Weight stationary (``scalesim/compute/systolic_compute_ws.py``): Sr = k on
rows, Sc = n on columns, T = m. Per fold the input demand is R cycles of
weight preload (prefix), T cycles of input rows, C - 1 cycles for the last
partial sums to leave (suffix), and the skew across the R rows adds R - 1:
R + T + (C - 1) + (R - 1) = 2R + C + T - 2.

Output stationary (``systolic_compute_os.py``): Sr = m on rows, Sc = n on
columns, T = k. No preload: T cycles of operands, C - 1 suffix for the outputs
to drain, and R - 1 skew: R + C + T - 2.

Input stationary (``systolic_compute_is.py``, derived here by the same
reading): SCALE-Sim sets Sr = ifmap_op_mat.shape[1] = k (the window on the
rows), Sc = ifmap_op_mat.shape[0] = m (output pixels on the columns) and
T = filter_op_mat.shape[1] = n (filters streamed). It is weight stationary
with the roles of the input and the filter matrices swapped: the R x C tile of
input windows is preloaded (R cycles), the n filters stream through (T = n),
the partial sums leave over C - 1 cycles, and the skew adds R - 1. So
folds = ceil(k / R) x ceil(m / C) and per_fold = 2R + C + n - 2. In that file
the ifmap demand is R rows plus a suffix of R + C + T - 2; the filter demand
is a prefix of R, T rows and a suffix of C - 1, skewed over R columns (+R - 1);
the ofmap demand is a prefix of 2R - 1 and T rows, skewed over C columns
(+C - 1): all three give 2R + C + T - 2 rows per fold, which is the formula.
"""

from __future__ import annotations

from dataclasses import dataclass

from accelsim.sim.compute.timing import ceil_div

GEMM_DIMS = ("m", "k", "n")
_DIM_FIELDS = {"m": "m_pixels", "k": "k_window", "n": "n_filters"}


@dataclass(frozen=True)
class GemmShape:
    """One convolution group as a matrix product (m x k) @ (k x n), element counts.

    ``m_pixels``: output pixels Ho x Wo. ``k_window``: Kh x Kw x Cin_per_group.
    ``n_filters``: Cout_per_group.
    """

    m_pixels: int
    k_window: int
    n_filters: int

    def size(self, dim: str) -> int:
        """Length of dimension "m", "k" or "n"."""
        return getattr(self, _DIM_FIELDS[dim])


@dataclass(frozen=True)
class DataflowRule:
    """How one dataflow maps a :class:`GemmShape` onto an R x C systolic array.

    ``rows_dim`` / ``cols_dim``: the GEMM dimension pinned to the array's rows
    and columns; ``streamed_dim``: the one streamed in time (T).
    ``fill_passes``: how many R-cycle passes a fold spends besides streaming
    (2 when a stationary operand is preloaded, 1 when none is).
    """

    name: str
    title: str
    rows_dim: str
    cols_dim: str
    streamed_dim: str
    fill_passes: int

    def __post_init__(self) -> None:
        dims = (self.rows_dim, self.cols_dim, self.streamed_dim)
        if sorted(dims) != sorted(GEMM_DIMS):
            raise ValueError(f"dataflow {self.name!r} must use each of m, k, n once, got {dims}")

    def folds(self, gemm: GemmShape, rows: int, cols: int) -> int:
        """Tiles of the pinned dimensions over an array of ``rows`` x ``cols`` PEs."""
        return (ceil_div(gemm.size(self.rows_dim), rows)
                * ceil_div(gemm.size(self.cols_dim), cols))

    def cycles_per_fold(self, gemm: GemmShape, rows: int, cols: int) -> int:
        """Cycles of one fold, SCALE-Sim's count: fill_passes x R + C + T - 2."""
        return self.fill_passes * rows + cols + gemm.size(self.streamed_dim) - 2


DATAFLOWS: dict[str, DataflowRule] = {
    rule.name: rule
    for rule in (
        DataflowRule("ws", "weight stationary", rows_dim="k", cols_dim="n",
                     streamed_dim="m", fill_passes=2),
        DataflowRule("os", "output stationary", rows_dim="m", cols_dim="n",
                     streamed_dim="k", fill_passes=1),
        DataflowRule("is", "input stationary", rows_dim="k", cols_dim="m",
                     streamed_dim="n", fill_passes=2),
    )
}
"""The dataflows a :class:`~accelsim.sim.compute.systolic.SystolicArray` knows, by name."""


def dataflow_rule(name: str) -> DataflowRule:
    """The rule called ``name``; ValueError listing the known ones otherwise."""
    try:
        return DATAFLOWS[name]
    except (KeyError, TypeError):
        raise ValueError(
            f'unknown dataflow {name!r}; expected one of {", ".join(sorted(DATAFLOWS))}'
        ) from None
