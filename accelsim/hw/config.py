"""Hardware configs: YAML -> validated, frozen pydantic models.

Every problem in a file is reported at once, on one line, as
``hw.yaml: sram.size: expected a size like "1 MB" or "512 KiB", got 'lots'; ...``.
Quantities carry units (see :mod:`accelsim.quantity`); a bare number where a
unit is expected is an error, since "1" could be a byte or a megabyte.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Annotated, Any, Literal, Self

from pydantic import (
    BaseModel,
    BeforeValidator,
    PlainSerializer,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)

from accelsim.errors import ConfigError, quoted
from accelsim.hw.dram_presets import dram_spec, standard_of_preset
from accelsim.hw.energy_defaults import MAC_PRECISIONS
from accelsim.hw.yaml_reader import read_yaml
from accelsim.limits import (
    MAX_ENERGY_FJ,
    MAX_ERROR_PROBLEMS,
    MAX_FREQUENCY_HZ,
    MAX_OPS_PER_MAC,
    MAX_OPS_PER_S,
    MAX_POWER_NW,
    MAX_RATE_BITS_PER_S,
    MAX_SIZE_BITS,
)
from accelsim.quantity import (
    exact_energy,
    exact_frequency,
    exact_ops,
    exact_power,
    exact_rate,
    exact_size,
    parse_energy_fj,
    parse_frequency_hz,
    parse_ops_per_s,
    parse_power_nw,
    parse_rate_bits_per_s,
    parse_size_bits,
)
from accelsim.sim.compute.dataflow import dataflow_rule
from accelsim.sim.compute.systolic import GROUP_MAPPINGS
from accelsim.sim.dram.spec import REFRESH_OFF, DramSpec, SpecError
from accelsim.sim.dram.standards import STANDARDS, standard_named
from accelsim.sim.policies import FusedPolicy, Machine, PaperPolicy, TiledPolicy



def _at_most(parse: Callable[[object], int], maximum: int, limit: str,
             what: str) -> Callable[[object], int]:
    """``parse``, refusing a value above ``maximum`` (written ``limit`` in messages):
    a quantity beyond any hardware (README "Limits") is an error of the field, not
    an overflow later in the simulation."""

    def bounded(text: object) -> int:
        value = parse(text)
        if value > maximum:
            raise ValueError(f"{what} {text!r} is beyond the limit of {limit} (see Limits "
                             "in the README)")
        return value

    return bounded


# Each quantity dumps (model_dump, YAML) as the exact text it reads back from, so that a
# dumped config validates again to the same config.
SizeBits = Annotated[int, BeforeValidator(_at_most(parse_size_bits, MAX_SIZE_BITS, "1 TiB",
                                                   "size")), Field(gt=0),
                     PlainSerializer(exact_size, return_type=str)]
RateBitsPerS = Annotated[int, BeforeValidator(_at_most(
    parse_rate_bits_per_s, MAX_RATE_BITS_PER_S, "1 PB/s", "data rate")), Field(gt=0),
    PlainSerializer(exact_rate, return_type=str)]
OpsPerS = Annotated[int, BeforeValidator(_at_most(parse_ops_per_s, MAX_OPS_PER_S,
                                                  "1000000 TOPS", "throughput")), Field(gt=0),
                    PlainSerializer(exact_ops, return_type=str)]
FrequencyHz = Annotated[int, BeforeValidator(_at_most(parse_frequency_hz, MAX_FREQUENCY_HZ,
                                                      "100 GHz", "frequency")), Field(gt=0),
                        PlainSerializer(exact_frequency, return_type=str)]
EnergyFj = Annotated[int, BeforeValidator(_at_most(parse_energy_fj, MAX_ENERGY_FJ, "1 mJ",
                                                   "energy")), Field(ge=0),
                     PlainSerializer(exact_energy, return_type=str)]
PowerNw = Annotated[int, BeforeValidator(_at_most(parse_power_nw, MAX_POWER_NW, "1 MW",
                                                  "power")), Field(ge=0),
                    PlainSerializer(exact_power, return_type=str)]
Count = Annotated[int, Field(gt=0, le=1_000_000)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=False)


class Precision(_Strict):
    """Bits per stored element."""

    activation_bits: Annotated[int, Field(gt=0, le=64)] = 8
    weight_bits: Annotated[int, Field(gt=0, le=64)] = 8


class Sram(_Strict):
    """On-chip buffer. ``size``: "1 MB" is 10**6 bytes, "1 MiB" 2**20."""

    size: SizeBits


class IdealDram(_Strict):
    """The paper's DDR bus: a constant-bandwidth pipe ("1 GB/s")."""

    model: Literal["ideal"]
    bandwidth: RateBitsPerS


class FieldError(ValueError):
    """A validator's error about a field inside the one it validates: ``path`` (dotted,
    like ``timing.cl``) is added to the error's location."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(message)
        self.path = path


def _built(make: Callable[[], DramSpec]) -> DramSpec:
    """The spec ``make`` builds; its SpecError becomes a FieldError naming the field."""
    try:
        return make()
    except SpecError as exc:
        raise FieldError(exc.field, exc.detail) from None


class Ddr3Dram(_Strict):
    """A DDR3 bus timed by the DRAM model (banks, rows, refresh, turnaround): the
    DDR3-only section of earlier configs, kept working. ``model: dram`` with
    ``standard: DDR3`` is the same machine.

    ``preset`` is a JEDEC speed bin ("DDR3-1600K", "DDR3_1066F"); devices of
    ``device_width_bits`` (4, 8, 16) and ``density_gbit`` (1-8) form a
    ``bus_width_bits`` bus (8-64). ``timing`` overrides any field of the
    preset's timing in clocks (``cl``, ``trcd``, ``tck_ps``...).
    """

    model: Literal["ddr3"]
    preset: str
    device_width_bits: int = 8
    density_gbit: int = 4
    bus_width_bits: int = 64
    ranks: int = 1
    channels: int = 1
    refresh: bool = True
    queue_depth: int = 32
    address_mapping: str | None = None
    timing: dict[str, Any] = Field(default_factory=dict)  # checked against the standard
    _spec: DramSpec = PrivateAttr()

    @model_validator(mode="after")
    def _buildable(self) -> Ddr3Dram:
        self._spec = _built(lambda: dram_spec(
            "DDR3", self.preset.replace("_", "-"), density_gbit=self.density_gbit,
            device_width_bits=self.device_width_bits, bus_width_bits=self.bus_width_bits,
            ranks=self.ranks, channels=self.channels,
            refresh="all_bank" if self.refresh else "off", queue_depth=self.queue_depth,
            mapping=self.address_mapping, timing=self.timing))
        return self

    @property
    def spec(self) -> DramSpec:
        return self._spec


class DramSection(_Strict):
    """A DRAM bus of any standard timed by the DRAM model (:mod:`accelsim.sim.dram`).

    ``standard``: DDR3, DDR4, LPDDR4, LPDDR5 or HBM2 (may be left out when the
    preset names it); ``preset``: a speed bin of that standard ("DDR4-2400R";
    default: the standard's reference bin). Devices of ``density_gbit`` and
    ``device_width_bits`` make a ``bus_width_bits`` bus (defaults per
    standard); ``ranks`` ranks per channel (HBM2: ``pseudo_channels``),
    ``channels`` channels. Controller: ``queue_depth`` bursts, ``refresh``
    (``all_bank``, ``per_bank`` where the standard has it, ``off``; true and
    false too), address ``mapping`` from the most significant field
    ("row-bg-bank-col"). ``timing`` overrides the preset's timings by name, in
    clocks (``cl: 18``), or its clock (``tck_ps``).
    """

    model: Literal["dram"]
    standard: str | None = None
    preset: str | None = None
    density_gbit: int | None = None
    device_width_bits: int | None = None
    bus_width_bits: int | None = None
    ranks: int | None = None
    pseudo_channels: int | None = None
    channels: int = 1
    refresh: str | bool | None = None
    queue_depth: int = 32
    mapping: str | None = None
    timing: dict[str, Any] = Field(default_factory=dict)  # checked against the standard
    _spec: DramSpec = PrivateAttr()

    @model_validator(mode="after")
    def _buildable(self) -> DramSection:
        self._spec = _built(self._make)
        return self

    def _make(self) -> DramSpec:
        std = (standard_named(self.standard) if self.standard is not None
               else standard_of_preset(self.preset) if self.preset is not None else None)
        if std is None:
            raise SpecError("standard", f"give a standard ({', '.join(STANDARDS)}) or a preset")
        levels = self.pseudo_channels if std.rank_level == "pseudo_channel" else self.ranks
        other, other_name = ((self.ranks, "ranks") if std.rank_level == "pseudo_channel"
                             else (self.pseudo_channels, "pseudo_channels"))
        if other is not None:
            raise SpecError(other_name, f"{std.name} has {std.rank_level}s, not {other_name}")
        refresh = self.refresh
        if isinstance(refresh, bool):
            refresh = std.refresh[0].name if refresh else REFRESH_OFF
        return dram_spec(std, self.preset, density_gbit=self.density_gbit,
                         device_width_bits=self.device_width_bits,
                         bus_width_bits=self.bus_width_bits, ranks=levels,
                         channels=self.channels, refresh=refresh, queue_depth=self.queue_depth,
                         mapping=self.mapping, timing=self.timing)

    @property
    def spec(self) -> DramSpec:
        return self._spec


DramConfig = Annotated[IdealDram | Ddr3Dram | DramSection, Field(discriminator="model")]


class IdealCompute(_Strict):
    """The paper's matrix-compute unit: a throughput ("1 TOPS") and ops per MAC."""

    model: Literal["ideal"]
    throughput: OpsPerS
    ops_per_mac: Annotated[int, Field(gt=0, le=MAX_OPS_PER_MAC)] = 2


class VectorUnitConfig(_Strict):
    """A SIMD vector unit beside the array: ``lanes`` operations per cycle at ``clock``
    ("1 GHz"); ``pipeline_fill_cycles`` paid once per layer."""

    lanes: Count
    clock: FrequencyHz
    pipeline_fill_cycles: Annotated[int, Field(ge=0, le=1_000_000)] = 4


DEPTHWISE_PLACES = ("vector", *sorted(GROUP_MAPPINGS))
"""Where a depthwise layer may run: the vector unit, or the array under a group mapping."""


class SystolicCompute(_Strict):
    """A ``rows`` x ``cols`` systolic array at ``clock`` ("1 GHz") with a ``dataflow``
    ("ws", "os", "is"), optionally with a ``vector`` unit for pooling, element-wise
    layers and softmax. ``depthwise``: where depthwise layers run: "vector", or on
    the array "channel_by_channel" (SCALE-Sim) or "diagonal" (block-diagonal packing).
    """

    model: Literal["systolic"]
    rows: Count
    cols: Count
    clock: FrequencyHz
    dataflow: str = "ws"
    depthwise: str = "channel_by_channel"
    vector: VectorUnitConfig | None = None

    @field_validator("dataflow")
    @classmethod
    def _known_dataflow(cls, value: str) -> str:
        return dataflow_rule(value).name

    @field_validator("depthwise")
    @classmethod
    def _known_depthwise(cls, value: str) -> str:
        if value not in DEPTHWISE_PLACES:
            raise ValueError(f"unknown depthwise placement {value!r}; expected one of "
                             f"{', '.join(DEPTHWISE_PLACES)}")
        return value

    @model_validator(mode="after")
    def _vector_unit_present(self) -> SystolicCompute:
        if self.depthwise == "vector" and self.vector is None:
            raise ValueError("depthwise: vector needs a vector unit (add vector: "
                             "{lanes: 32, clock: 1 GHz})")
        return self


ComputeConfig = Annotated[IdealCompute | SystolicCompute, Field(discriminator="model")]


class EnergyConfig(_Strict):
    """Energy per event; a field left out takes its default from ``hw/energy_defaults.py``.

    ``mac``: one multiply-accumulate ("0.23 pJ"); its default is the published
    figure for ``mac_precision`` (default: int8 when activations and weights
    have at most 8 bits, else int32). ``sram_read_per_byte`` /
    ``sram_write_per_byte``: per byte of on-chip SRAM (default by SRAM size).
    ``ddr_read_per_byte`` / ``ddr_write_per_byte``: per byte of DRAM burst
    data; ``ddr_activate``: one row activation (ACT + PRE) across the rank;
    ``ddr_refresh``: one refresh command across the rank (defaults from a
    DDR3 data sheet, scaled to the rank's devices). ``static_power``: the
    chip's leakage and clock power ("50 mW", default 0 mW). ``vector_op``: one
    vector lane cycle, a simple operation on one element (default: the MAC's
    energy, a lane being a multiply-add datapath; an exp costs ten of them).
    """

    mac_precision: str | None = None
    mac: EnergyFj | None = None
    sram_read_per_byte: EnergyFj | None = None
    sram_write_per_byte: EnergyFj | None = None
    ddr_read_per_byte: EnergyFj | None = None
    ddr_write_per_byte: EnergyFj | None = None
    ddr_activate: EnergyFj | None = None
    ddr_refresh: EnergyFj | None = None
    static_power: PowerNw | None = None
    vector_op: EnergyFj | None = None

    @field_validator("mac_precision")
    @classmethod
    def _known_precision(cls, value: str | None) -> str | None:
        if value is not None and value not in MAC_PRECISIONS:
            raise ValueError(f"unknown MAC precision {value!r}; expected one of "
                             f"{', '.join(MAC_PRECISIONS)}")
        return value


class PaperPolicyConfig(_Strict):
    """The paper's accounting (docs/paper.md). ``weight_bits_per_param``: 1 reproduces
    the paper's units slip, the hardware's weight precision is the honest value."""

    name: Literal["paper"]
    weight_bits_per_param: Annotated[int, Field(gt=0, le=64)] = 1

    def build(self, precision: Precision) -> PaperPolicy:
        return PaperPolicy(precision.activation_bits, self.weight_bits_per_param)


class TiledPolicyConfig(_Strict):
    """Liveness-driven residency, DDR-optimal tiling, double buffering, spills.
    ``pipeline_tiles``: among equally cheap tilings, aim for this many tiles so
    that DMA and compute overlap."""

    name: Literal["tiled"]
    pipeline_tiles: Annotated[int, Field(gt=0, le=4096)] = 8

    def build(self, precision: Precision) -> TiledPolicy:
        return TiledPolicy(precision.activation_bits, precision.weight_bits, self.pipeline_tiles)


class FusedPolicyConfig(_Strict):
    """Depth-first fusion of runs of layers in row tiles, over the tiled plan
    (``sim/policies/fused.py``). ``halo``: rows shared by neighbouring tiles kept on
    chip or recomputed; ``objective``: what the plan minimises; ``pipeline_tiles`` as
    for tiled."""

    name: Literal["fused"]
    halo: Literal["cache", "recompute"] = "cache"
    objective: Literal["latency", "ddr", "energy"] = "latency"
    pipeline_tiles: Annotated[int, Field(gt=0, le=4096)] = 8

    def build(self, precision: Precision, machine: Machine | None = None) -> FusedPolicy:
        return FusedPolicy(precision.activation_bits, precision.weight_bits, machine,
                           self.halo, self.objective, self.pipeline_tiles)


FUSION_OPTIONS = ("halo", "objective")
"""Options only the fused policy has (on another policy: one error naming it)."""


def _no_fusion_options(value: object) -> object:
    if isinstance(value, Mapping) and value.get("name") in ("paper", "tiled"):
        for key in FUSION_OPTIONS:
            if key in value:
                raise ValueError(f"{key!r} is an option of the fused policy (policy.name: "
                                 f"fused); the {value['name']} policy has no {key}")
    return value


PolicyConfig = Annotated[PaperPolicyConfig | TiledPolicyConfig | FusedPolicyConfig,
                         Field(discriminator="name"), BeforeValidator(_no_fusion_options)]

POLICIES: dict[str, type[PaperPolicyConfig | TiledPolicyConfig | FusedPolicyConfig]] = {
    "paper": PaperPolicyConfig, "tiled": TiledPolicyConfig, "fused": FusedPolicyConfig}
"""The policy registry: ``policy.name`` -> its config model, whose ``build(precision)``
makes the policy. The ``PolicyConfig`` union lists the same models."""


class HwConfig(_Strict):
    """One accelerator: SRAM, DDR bus, compute unit, precision, accounting policy
    and energy costs."""

    name: str
    description: str = ""
    precision: Precision = Precision()
    sram: Sram
    dram: DramConfig
    compute: ComputeConfig
    policy: PolicyConfig
    energy: EnergyConfig = EnergyConfig()

    def with_values(self, values: Mapping[str, Any]) -> HwConfig:
        """This config with fields set by dotted path (``{"sram.size": "2 MB",
        "dram.preset": "DDR3-1600K"}``), validated as a file is: a bad value is a
        ConfigError naming the field."""
        from accelsim.hw.edit import with_values

        return with_values(self, values)

    def model_copy(self, *, update: Mapping[str, Any] | None = None,
                   deep: bool = False) -> Self:
        """A copy; with ``update`` (top-level fields, as models or mappings) validated
        like a file (pydantic's own ``model_copy`` skips validation)."""
        if not update:
            return super().model_copy(deep=deep)
        from accelsim.hw.edit import updated

        return updated(self, update)  # type: ignore[return-value]

    def __repr__(self) -> str:
        from accelsim.hw.edit import describe

        return f"HwConfig({describe(self)})"


def _clip(key: str) -> str:
    """A key of a location as a message can carry it: quoted when it holds spaces or
    control characters (a newline would break the one line), cut when long."""
    text = key if key and key.isprintable() and " " not in key else repr(key)
    return text if len(text) <= 40 else f"{text[:37]}..."


def _describe(error: Any) -> str:
    parts = [_clip(str(part)) for part in error["loc"]]
    cause = (error.get("ctx") or {}).get("error")
    if isinstance(cause, FieldError):
        parts += [_clip(p) for p in cause.path.split(".")]
        error = {**error, "msg": str(cause)}
    # A section whose kind tag is its own name ("dram: {model: dram}") says it once.
    parts = [p for i, p in enumerate(parts) if i == 0 or p != parts[i - 1]]
    loc = ".".join(parts) or "(top level)"
    kind = error["type"]
    if kind == "extra_forbidden":
        return f"{loc}: unknown key"
    if kind == "missing":
        return f"{loc}: missing required field"
    if kind == "union_tag_invalid":
        ctx = error["ctx"]
        return (f"{loc}: unknown {ctx['discriminator'].strip(chr(39))} {ctx['tag']!r}; "
                f"expected one of {ctx['expected_tags']}")
    if kind == "union_tag_not_found":
        return f"{loc}: missing {error['ctx']['discriminator']} (which kind of unit this is)"
    message = error["msg"].removeprefix("Value error, ")
    if kind.startswith(("greater_than", "less_than", "int_", "string_", "bool_", "model_")):
        return f"{loc}: {message}, got {quoted(error['input'])}"
    return f"{loc}: {message}"


def problems_line(problems: list[str]) -> str:
    """Problems joined on one line, the first :data:`MAX_ERROR_PROBLEMS` in full."""
    shown = "; ".join(problems[:MAX_ERROR_PROBLEMS])
    more = len(problems) - MAX_ERROR_PROBLEMS
    return f"{shown}; and {more:,} more" if more > 0 else shown


def config_problems(data: dict[str, Any]) -> list[tuple[tuple[str, ...], str]]:
    """Every validation problem of a parsed mapping as (location, its one-line
    description as :func:`validate_hw` words it); empty when the mapping is valid.
    A location is the path of keys, with pydantic's union tags in it ("ideal" in
    ``dram.ideal.bandwidth``)."""
    try:
        HwConfig.model_validate(data)
    except ValidationError as exc:
        return [(tuple(str(part) for part in e["loc"]), _describe(e))
                for e in exc.errors(include_url=False)]
    return []


def validate_hw(data: object, source: str) -> HwConfig:
    """Validate a parsed mapping; ``source`` names it in errors (a file path)."""
    if not isinstance(data, dict):
        raise ConfigError(f"{source}: expected a mapping of sections (sram, dram, compute, "
                          f"policy), got {type(data).__name__}")
    try:
        return HwConfig.model_validate(data)
    except ValidationError as exc:
        problems = [_describe(e) for e in exc.errors(include_url=False)]
        raise ConfigError(f"{source}: {problems_line(problems)}") from None


def load_hw(spec: str | Path | Mapping[str, Any] | HwConfig) -> HwConfig:
    """A validated hardware config from a YAML file, the name of a bundled config
    (``"1mb_ddr3"``: ``accelsim configs`` lists them; an existing path wins), or a
    mapping of sections as a file would hold them. Every problem is one
    :class:`ConfigError` line naming the file (or mapping) and the field."""
    if isinstance(spec, HwConfig):
        return spec
    if isinstance(spec, Mapping):
        return validate_hw(dict(spec), "hardware config mapping")
    from accelsim.hw.bundled import resolve

    path = resolve(spec)
    return validate_hw(read_yaml(path, "hardware config file"), str(path))
