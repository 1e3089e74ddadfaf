"""The policy registry: every ``policy.name`` a config accepts, its settings, its policy."""

from __future__ import annotations

import typing
from pathlib import Path

from hw_files import error_for

from accelsim.hw.config import POLICIES, PolicyConfig, Precision, validate_hw
from accelsim.hw.factory import build_policy

BASE = """\
name: t
sram: {size: 1 MB}
dram: {model: ideal, bandwidth: 1 GB/s}
compute: {model: ideal, throughput: 1 TOPS}
"""


def test_the_registry_and_the_config_union_name_the_same_policies() -> None:
    union = typing.get_args(typing.get_args(PolicyConfig)[0])
    assert set(union) == set(POLICIES.values())
    for name, model in POLICIES.items():
        assert typing.get_args(model.model_fields["name"].annotation) == (name,)


def test_each_entry_builds_its_policy_with_the_precision() -> None:
    for name, model in POLICIES.items():
        policy = model.model_validate({"name": name}).build(Precision(activation_bits=4))
        assert policy.name == name
        assert policy.activation_bits == 4  # type: ignore[attr-defined]
        hash(policy)  # frozen settings: a cache key


def test_build_policy_follows_the_config() -> None:
    for name in POLICIES:
        hw = validate_hw({"name": "t", "sram": {"size": "1 MB"},
                          "dram": {"model": "ideal", "bandwidth": "1 GB/s"},
                          "compute": {"model": "ideal", "throughput": "1 TOPS"},
                          "policy": {"name": name}}, "t")
        assert build_policy(hw).name == name


def test_an_unknown_policy_lists_the_valid_ones(tmp_path: Path) -> None:
    message = error_for(tmp_path, BASE + "policy: {name: greedy}\n")
    assert "policy: unknown name 'greedy'; expected one of" in message
    for name in POLICIES:
        assert repr(name) in message


def test_an_option_of_another_policy_is_an_unknown_key(tmp_path: Path) -> None:
    message = error_for(tmp_path, BASE + "policy: {name: paper, pipeline_tiles: 4}\n")
    assert "policy.paper.pipeline_tiles: unknown key" in message


def test_the_fused_policy_takes_its_options_and_the_machine(tmp_path: Path) -> None:
    from accelsim.hw.config import load_hw
    from accelsim.sim.policies import FusedPolicy

    path = tmp_path / "hw.yaml"
    path.write_text(BASE + "policy: {name: fused, halo: recompute, objective: ddr}\n")
    policy = build_policy(load_hw(path))
    assert isinstance(policy, FusedPolicy)
    assert (policy.halo, policy.objective, policy.machine is not None) == ("recompute", "ddr",
                                                                          True)


def test_a_fusion_option_on_a_policy_without_fusion_is_one_error(tmp_path: Path) -> None:
    for policy, key in (("tiled", "halo"), ("paper", "objective")):
        message = error_for(tmp_path, BASE + f"policy: {{name: {policy}, {key}: cache}}\n")
        assert (f"policy: {key!r} is an option of the fused policy (policy.name: fused); "
                f"the {policy} policy has no {key}") in message
    message = error_for(tmp_path, BASE + "policy: {name: fused, halo: sometimes}\n")
    assert "policy.fused.halo: " in message and "'cache'" in message
