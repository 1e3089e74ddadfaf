"""Whether this machine can hold a verification, asked before it allocates anything.

Verifying executes the model twice per sample (onnxruntime with every layer's
output exposed, then accelsim's numpy executor), in float32, and keeps both
runs' tensors of every sample to compare them, while the layer being executed
needs scratch space of about its output's size again, twice (its padded input,
onnxruntime's blocked layout): about 4 bytes x (2 x samples x every activation
+ 3 x the largest one + 2 x the weights). A model whose need exceeds the memory
available (a 1x3x100000x100000 Conv needs terabytes) is refused in one line
instead of dying in a MemoryError, or in the out-of-memory killer, half-way.
"""

from __future__ import annotations

import os
from math import prod

from accelsim.errors import ModelError
from accelsim.quantity import format_bits
from accelsim.workload.ir import Network

FLOAT32_BYTES = 4
USABLE_FRACTION = 0.8
"""Of the memory available, what a verification may plan to use."""


def available_bytes() -> int | None:
    """Memory available to a new allocation (Linux's MemAvailable), else the machine's
    physical memory, else None when neither is known."""
    try:
        with open("/proc/meminfo") as handle:
            for line in handle:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return int(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))
    except (ValueError, OSError, AttributeError):
        return None


def verification_bytes(network: Network, samples: int) -> int:
    """About how many bytes verifying ``network`` on ``samples`` inputs holds at once."""
    sizes = [prod(network.input_shape), *(prod(layer.output_shape) for layer in network.layers)]
    weights = sum(layer.weight_params + layer.bias_params for layer in network.layers)
    return FLOAT32_BYTES * (2 * samples * sum(sizes) + 3 * max(sizes) + 2 * weights)


def require_memory(network: Network, samples: int, available: int | None = None) -> None:
    """Refuse (one ModelError line) a verification that this machine cannot hold."""
    free = available_bytes() if available is None else available
    if free is None:
        return
    need = verification_bytes(network, samples)
    if need <= USABLE_FRACTION * free:
        return
    largest = max(network.layers, key=lambda layer: prod(layer.output_shape))
    raise ModelError(
        f"{network.source}: verifying it needs about {format_bits(8 * need)} of memory "
        f"({samples} sample(s); the largest layer output, {largest.name!r}, is "
        f"{'x'.join(map(str, largest.output_shape))} float32 values), more than the "
        f"{format_bits(8 * free)} this machine has available; verify a smaller input "
        "(--input) or fewer samples")
