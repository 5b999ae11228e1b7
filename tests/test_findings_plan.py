"""The sweeps the findings plan, checked without running them: each claim design's copy over
plausible worlds, and the headlines' reruns under the structural switches."""

from __future__ import annotations

from aiecosim.experiments.findings import over_worlds, worlds
from aiecosim.experiments.findings.generate import experiments, switch_name, switches
from aiecosim.model import keys


def test_each_claim_design_has_a_copy_over_posterior_worlds_with_one_seed_a_world():
    planned = experiments()
    for design, (n, _) in over_worlds.COPIES.items():
        original, copy = planned[design], planned[over_worlds.copy_name(design)]
        assert copy.design.seeds == 1 and copy.design.worlds == n == len(copy.worlds)
        assert copy.variables[0].key == "world"
        # the same levers, variants and months as the design, only in other worlds
        assert [v.key for v in copy.variables[1:]] == [v.key for v in original.variables]
        assert copy.scenario.steps == original.scenario.steps
        points = copy.points()
        assert len(points) == n * len(original.points())
        # a world sets the posterior's parameters; a point's own levers still win over them
        world_keys = set(copy.worlds[0])
        data = copy.scenario.to_dict()
        assert world_keys and all(keys.get(data, k, None) is not None for k in world_keys)
        for point in points:
            own = original.overrides({k: v for k, v in point.items() if k != "world"})
            overrides = copy.overrides(point)
            assert all(overrides[k] == v for k, v in own.items())


def test_each_switch_reruns_the_headlines_with_only_that_form_changed():
    planned = experiments(small=True)
    headlines = planned[worlds.DESIGN]
    base = keys.flatten(headlines.scenario.to_dict())
    assert len(switches()) == 4
    for key, value in switches():
        switched = planned[switch_name(key, value)]
        found = keys.flatten(switched.scenario.to_dict())
        assert found[key] == value != base[key]
        assert {k for k in found if found[k] != base[k]} == {key}
        assert switched.design.variants == headlines.design.variants
        assert switched.fingerprint() != headlines.fingerprint()
