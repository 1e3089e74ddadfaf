"""The inputs a verification runs on: a user's .npy/.npz file, or a small seeded batch."""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np

from accelsim.errors import ModelError

DEFAULT_SAMPLES = 4
DEFAULT_SEED = 0


def read_input_arrays(path: str | Path) -> dict[str, np.ndarray]:
    """The arrays in ``path``, float32, by name (a .npy file's one array is named "")."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".npy", ".npz"):
        raise ModelError(f"{path}: unknown input suffix {suffix or '(none)'!r}; expected .npy "
                         "or .npz")
    if not path.is_file():
        raise ModelError(f"{path}: no such file; expected a numpy {suffix} input")
    try:
        loaded = np.load(path, allow_pickle=False)
        if suffix == ".npy":
            arrays = {"": np.asarray(loaded)}
        else:
            with loaded as archive:
                arrays = {key: archive[key] for key in archive.keys()}
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as exc:
        detail = " ".join(str(exc).split())[:200] or type(exc).__name__
        raise ModelError(f"{path}: cannot read as a numpy {suffix} file ({detail})") from exc
    if not arrays:
        raise ModelError(f"{path}: holds no arrays; expected the model's input")
    for key, array in arrays.items():
        if not np.issubdtype(array.dtype, np.number) or np.issubdtype(array.dtype,
                                                                     np.complexfloating):
            raise ModelError(f"{path}: {key or 'the array'} holds {array.dtype} values; "
                             "expected real numbers")
        if not np.isfinite(array).all():
            raise ModelError(f"{path}: {key or 'the array'} holds NaN or infinite values; "
                             "expected finite numbers")
    return {key: array.astype(np.float32) for key, array in arrays.items()}


def pick_input(arrays: dict[str, np.ndarray], input_name: str, label: str) -> np.ndarray:
    """The one array, or the one named like the model's input."""
    if len(arrays) == 1:
        return next(iter(arrays.values()))
    if input_name in arrays:
        return arrays[input_name]
    raise ModelError(f"{label}: holds arrays {sorted(arrays)}; expected one array, or one named "
                     f"like the model's input {input_name!r}")


def batch_of(array: np.ndarray, input_shape: tuple[int, ...], label: str) -> np.ndarray:
    """``array`` as N samples of ``input_shape`` (batch 1): either one sample of that shape,
    or N of them stacked along dim 0."""
    per_sample = input_shape[1:]
    if array.shape == input_shape or array.shape == per_sample:
        return array.reshape((1,) + input_shape)
    if array.ndim == len(input_shape) and array.shape[1:] == per_sample and array.shape[0] > 0:
        return array.reshape((array.shape[0], 1) + per_sample)
    raise ModelError(f"{label}: input of shape {array.shape}; expected {input_shape} or "
                     f"(N,) + {per_sample}")


def seeded_batch(input_shape: tuple[int, ...], samples: int = DEFAULT_SAMPLES,
                 seed: int = DEFAULT_SEED) -> np.ndarray:
    """``samples`` standard-normal inputs from ``numpy.random.default_rng(seed)``."""
    if samples < 1:
        raise ModelError(f"samples: expected at least 1, got {samples}")
    rng = np.random.default_rng(seed)
    return rng.standard_normal((samples, *input_shape)).astype(np.float32)
