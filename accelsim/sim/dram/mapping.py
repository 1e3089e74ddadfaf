"""Address mappings as data: which bits of a burst index select channel, rank, bank group,
bank, row and column.

A mapping is the order of the address fields from the most to the least
significant, written ``row-bg-bank-col`` (or with underscores, and ``column``,
``bankgroup``, ``channel``, ``pc``/``pseudo_channel`` spelled out). Each field
takes as many bits as it has values; a field of one value takes none and may
be left out. The channel field may be left out too: the channels then
interleave burst by burst (it is the least significant field), as in the
DDR3 mappings accelsim has always had. A field with more than one value that
the mapping leaves out is an error: the mapping would not cover the address.

:data:`NAMED_MAPPINGS` keeps the DDR3 names (``row_rank_bank_column``...).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from accelsim.errors import ConfigError

#: The address fields, and the spellings a mapping may use for them.
FIELDS = ("channel", "rank", "bankgroup", "bank", "row", "column")
_ALIASES = {
    "ch": "channel", "channel": "channel",
    "rank": "rank", "ra": "rank", "pc": "rank", "pseudo_channel": "rank",
    "pseudochannel": "rank",
    "bg": "bankgroup", "bankgroup": "bankgroup", "bank_group": "bankgroup",
    "bank": "bank", "ba": "bank",
    "row": "row", "ro": "row",
    "col": "column", "column": "column", "co": "column",
}

#: Mappings known by name (the DDR3 model's), most significant field first.
NAMED_MAPPINGS: dict[str, tuple[str, ...]] = {
    # Row | rank | bank | column: a sequential stream fills a whole row of a
    # bank before it moves to the next bank (the reference simulators' map).
    "row_rank_bank_column": ("row", "rank", "bank", "column"),
    # Row | column | rank | bank: consecutive bursts rotate over the banks.
    "row_column_rank_bank": ("row", "column", "rank", "bank"),
    # Row | bank | rank | column: as the first, ranks interleave before banks.
    "row_bank_rank_column": ("row", "bank", "rank", "column"),
}


def _tokens(text: str) -> list[str]:
    # "pseudo_channel" and "bank_group" contain the separator: protect them first.
    protected = text.strip().lower().replace("pseudo_channel", "pseudochannel").replace(
        "bank_group", "bankgroup")
    return [t for t in protected.replace("-", "_").replace("|", "_").split("_") if t]


@dataclass(frozen=True)
class AddressMapping:
    """The field order of a mapping, most significant first (channel included); two
    mappings of the same order are equal whatever they were called."""

    name: str = field(compare=False)
    order: tuple[str, ...] = ()

    @staticmethod
    def parse(text: str) -> AddressMapping:
        """A mapping from its name or its fields: ``row-bg-bank-col``, ``row_rank_bank_column``."""
        if not isinstance(text, str) or not text.strip():
            raise ConfigError(f"mapping: expected fields like row-bg-bank-col, got {text!r}")
        named = NAMED_MAPPINGS.get(text.strip().lower())
        if named is not None:
            return AddressMapping(text.strip().lower(), named)
        order = []
        for token in _tokens(text):
            name = _ALIASES.get(token)
            if name is None:
                raise ConfigError(f"mapping: unknown field {token!r} in {text!r}; fields are "
                                  "row, rank (or pc), bg, bank, col and ch")
            if name in order:
                raise ConfigError(f"mapping: field {token!r} appears twice in {text!r}")
            order.append(name)
        if "row" not in order or "column" not in order:
            raise ConfigError(f"mapping: {text!r} needs at least the row and col fields")
        return AddressMapping("-".join(_SHORT[f] for f in order), tuple(order))

    def layout(self, sizes: dict[str, int]) -> dict[str, tuple[int, int]]:
        """(shift, bits) of every field in a burst index, for fields of ``sizes``
        values (powers of two). The channel goes last when the mapping leaves it out.
        ConfigError when a field of more than one value is left out."""
        order = list(self.order)
        if "channel" not in order:
            order.append("channel")
        missing = [f for f in FIELDS if f not in order and sizes.get(f, 1) > 1]
        if missing:
            what = ", ".join(f"{f} ({sizes[f]} values)" for f in missing)
            raise ConfigError(f"mapping: {self.name} does not cover the address bits of {what}")
        out: dict[str, tuple[int, int]] = {}
        shift = 0
        for name in reversed(order):
            bits = sizes.get(name, 1).bit_length() - 1
            out[name] = (shift, bits)
            shift += bits
        for name in FIELDS:
            out.setdefault(name, (0, 0))
        return out


_SHORT = {"channel": "ch", "rank": "rank", "bankgroup": "bg", "bank": "bank", "row": "row",
          "column": "col"}
