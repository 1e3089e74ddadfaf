"""accelsim: a discrete-event simulator of DNN inference accelerators.

    from accelsim import load_model, load_hw, simulate
    run = simulate(load_model("models/mobilenet_cifar10.onnx"), load_hw("hwconfigs/1mb_ddr3.yaml"))
"""

from accelsim.api import RunResult, simulate
from accelsim.errors import AccelsimError
from accelsim.hw.config import load_hw
from accelsim.workload import load_model

__all__ = ["AccelsimError", "RunResult", "load_hw", "load_model", "simulate"]
__version__ = "0.1.0"
