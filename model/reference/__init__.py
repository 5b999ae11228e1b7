"""The plain per-agent Mesa version of the population rules: one Mesa agent per startup,
research group and bad actor. It is the oracle the vectorized populations are checked against
(tests/test_reference_equivalence.py) and the per-agent column of ``aiecosim bench``; it is slow
by design and never used for results."""

from aiecosim.model.reference.ecosystem import ReferenceEcosystemModel, simulate_reference

__all__ = ["ReferenceEcosystemModel", "simulate_reference"]
