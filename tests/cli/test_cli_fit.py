"""``accelsim fit`` as users run it (real subprocesses): the sizes it prints, confirmed by
``accelsim run`` on configs of those sizes; bad input as one error line.

Each policy's answer N is checked by running the model with ``accelsim run`` on the
base config with that policy and N bytes of SRAM (no spill), then N - 1 KB (a spill,
or the policy's one-line "too small" error).
"""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from cli_process import REPO, accelsim, assert_user_error

from accelsim.hw.config import POLICIES, load_hw

TILED = REPO / "hwconfigs" / "1mb_ddr3_1066_tiled.yaml"


def config_file(tmp_path: Path, policy: str, size_bytes: int) -> Path:
    """The tiled base config under ``policy`` (defaults unless it is the base's own) with
    ``size_bytes`` of SRAM, as a YAML file."""
    data = load_hw(TILED).model_dump()
    data["sram"] = {"size": f"{size_bytes} B"}
    if data["policy"]["name"] != policy:
        data["policy"] = {"name": policy}
    path = tmp_path / f"{policy}_{size_bytes}.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def run_spills(tmp_path: Path, policy: str, size_bytes: int) -> bool | None:
    """Whether ``accelsim run`` on that config spills; None for the "too small" error."""
    out = tmp_path / f"run_{policy}_{size_bytes}.json"
    done = accelsim("run", "--hw", str(config_file(tmp_path, policy, size_bytes)),
                    "--json", str(out), "--quiet")
    if done.returncode == 2 and "too small" in done.stderr:
        assert_user_error(done, "too small", f"under the {policy} policy")
        return None
    assert done.returncode == 0, done.stderr
    totals = json.loads(out.read_text())["totals"]
    return bool(totals["spill_bytes"] > 0 or totals["spilled_layer_count"] > 0)


def test_fit_prints_and_writes_sizes_that_accelsim_run_confirms(tmp_path: Path) -> None:
    out, plot = tmp_path / "fit.json", tmp_path / "fit.png"
    done = accelsim("fit", "--hw", str(TILED), "--json", str(out), "--plot", str(plot), check=0)
    assert "Smallest SRAM without a spill: mobilenet_cifar10" in done.stdout
    assert "smallest without spill" in done.stdout and "the config's size" in done.stdout
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    result = json.loads(out.read_text())
    assert result["hw_sram_bytes"] == 1_000_000 and result["step_bytes"] == 1000
    assert list(result["policies"]) == list(POLICIES)
    for policy, fitted in result["policies"].items():
        n = fitted["min_sram_bytes"]
        assert isinstance(n, int) and n % 1000 == 0 and fitted["spill_bytes"] == 0
        assert f"{n // 1000:,} KB" in done.stdout
        assert run_spills(tmp_path, policy, n) is False, (policy, n)
        assert run_spills(tmp_path, policy, n - 1000) in (True, None), (policy, n)


def test_an_unknown_policy_is_one_line_and_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "fit.json"
    done = accelsim("fit", "--hw", str(TILED), "--policy", "fastest", "--json", str(out))
    assert_user_error(done, "unknown policy 'fastest'", "expected one of paper, tiled")
    assert not out.exists()


def test_a_model_no_sram_can_hold_is_one_line(tmp_path: Path) -> None:
    model = tmp_path / "huge.csv"
    model.write_text("input_fmap_bits,output_fmap_bits,weight_params,macs\n"
                     "8000,8000,10,100\n5000000000000,5000000000000,10,100\n")
    out = tmp_path / "fit.json"
    done = accelsim("fit", "--hw", str(TILED), "--model", str(model), "--json", str(out))
    assert_user_error(done, "huge cannot run on paper-1mb-ddr3-1066-tiled without a spill at "
                            "any SRAM size", "(the size limit)")
    assert not out.exists()


def test_a_plot_file_of_an_unknown_format_is_refused_before_any_work(tmp_path: Path) -> None:
    done = accelsim("fit", "--hw", str(TILED), "--plot", str(tmp_path / "fit.gif"))
    assert_user_error(done, "--plot", "expected a file ending in .png, .svg, .pdf")
