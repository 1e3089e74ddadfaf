"""The bounds accelsim puts on what it reads, in one place (README "Limits").

Every bound is far beyond any real design, so that it never refuses one, and
low enough that no input can make accelsim hang or exhaust the machine: a
value beyond a bound is refused where it is read, in one line naming the
file and the field (or node, or row) and the bound. Each constant says why
it is generous.
"""

from __future__ import annotations

KIB, MIB, GIB, TIB = 2**10, 2**20, 2**30, 2**40

# --- Text files: YAML configs and sweep files -------------------------------------------

MAX_YAML_FILE_BYTES = 1 * MIB
"""A hardware config is a few KB; a sweep file listing 50,000 values is under 1 MiB
(and a range is one line). Parsing 1 MiB of YAML takes about 2 s."""

MAX_YAML_DEPTH = 64
"""Nesting of mappings and lists: a config nests 3 deep (``dram.timing.cl``)."""

MAX_YAML_VALUES = 1_000_000
"""Values in a file once every alias is expanded (an alias bomb expands to billions)."""

MAX_NUMBER_DIGITS = 40
"""Digits of a number ("1e308" has 4; 10**40 of any unit is beyond every bound below)."""

MAX_NUMBER_EXPONENT = 40
"""|exponent| of a number written with one ("1e-40 MB" and "1e40 MB" are nonsense)."""

MAX_ERROR_PROBLEMS = 8
"""Problems an error line names before it says how many more there are."""

# (A bad value quoted in an error line is cut at ``accelsim.errors.MAX_QUOTED_CHARS``.)

# --- Hardware: any size, rate, clock or cost of a config ----------------------------------

MAX_SIZE_BITS = 8 * TIB
"""1 TiB of on-chip memory: the largest ever built, Cerebras WSE-3's, has 44 GB."""

MAX_RATE_BITS_PER_S = 8 * 10**15
"""1 PB/s: a GPU with eight HBM3e stacks has about 8 TB/s."""

MAX_OPS_PER_S = 10**18
"""1 EOPS: the fastest accelerators of 2024 reach about 20 POPS (sparse FP4)."""

MAX_FREQUENCY_HZ = 10**11
"""100 GHz: logic clocks stay below 10 GHz, and a cycle must last at least 1 ps."""

MAX_OPS_PER_MAC = 1024
"""Operations counted per multiply-accumulate (the paper counts 2)."""

MAX_ENERGY_FJ = 10**12
"""1 mJ per event: a DDR3 refresh across a rank costs about 70 nJ."""

MAX_POWER_NW = 10**15
"""1 MW: an accelerator chip draws at most about 1 kW."""

# --- Models: ONNX files and layer tables --------------------------------------------------

MAX_TENSOR_ELEMENTS = 2**40
"""Elements of one tensor (activation or weight): the largest in exported LLMs have
about 2**31 (a 128k x 16k embedding)."""

MAX_FOLD_ELEMENTS = 2**26
"""Elements of a constant computed at load time (shape arithmetic, a weight's transpose)
when it is more than 4x what it is computed from: a ConstantOfShape or Expand of 2**40
elements would be computed in memory."""

MAX_LAYERS = 100_000
"""Nodes of an ONNX graph and rows of a layer table: exported LLMs have a few thousand."""

# --- Simulation ---------------------------------------------------------------------------

MAX_TIMED_DRAM_BYTES = 16 * GIB
"""Bytes one run may move through a timed DRAM model (``dram.model: ddr3`` or ``dram``),
which simulates every burst, at about 20-50 ns of CPU per byte today: 16 GiB is about
ten minutes. An inference of a 7-billion-parameter LLM at 8 bits moves about 7 GB;
the ideal pipe (``dram.model: ideal``) times a transfer at once and has no such bound."""

# --- Sweeps -------------------------------------------------------------------------------

MAX_GRID_POINTS = 1_000_000
"""Points of a sweep run in full; a larger space must be sampled (``--sample N``).
A million paper-policy points take about ten minutes on two cores."""

POINT_SECONDS = 300.0
"""Wall time one design point may take on a local worker (``--point-seconds``); a
realistic MobileNet point takes about 11 ms."""

POINT_MEMORY_BYTES = 4 * GIB
"""Memory one local worker may grow by while simulating (``--point-memory``), and
never more than the machine's memory shared among the workers; a realistic point
needs a few MB."""
