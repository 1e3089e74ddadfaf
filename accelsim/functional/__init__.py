"""Functional execution of accelsim's layer IR with numpy, and its check against onnxruntime.

    from accelsim.functional import verify_model
    result = verify_model("models/mobilenet_cifar10.onnx")            # float32
    result = verify_model("models/mobilenet_cifar10.onnx", int8=True)  # int8 datapath
    result.passed, result.layers[0].max_abs_error, result.top1_agreement

Only this package and :mod:`accelsim.workload` import onnx/onnxruntime.
"""

from accelsim.functional.compare import (
    DEFAULT_TOLERANCE,
    LayerAgreement,
    Tolerance,
    VerifyResult,
    sqnr_db,
)
from accelsim.functional.executor import execute, run_layer
from accelsim.functional.quantize import Int8Datapath
from accelsim.functional.verification import calibrate_network, verify_model, verify_network

__all__ = ["DEFAULT_TOLERANCE", "Int8Datapath", "LayerAgreement", "Tolerance", "VerifyResult",
           "calibrate_network", "execute", "run_layer", "sqnr_db", "verify_model",
           "verify_network"]
