"""aiecosim's simulation: a Mesa model of open-weight versus API-only AI ecosystems."""

from aiecosim.model.errors import ScenarioError
from aiecosim.model.scenario import Scenario
# Imported now (it loads mesa only when called): a lazy import would let a later
# ``import aiecosim.model.simulate`` bind the package's ``simulate`` to the submodule.
from aiecosim.model.simulate import simulate

__all__ = ["Scenario", "ScenarioError", "EcosystemModel", "simulate"]


def __getattr__(name: str):
    # Lazy so that reading or validating a scenario does not import mesa.
    if name == "EcosystemModel":
        from aiecosim.model.ecosystem import EcosystemModel as found
    else:
        raise AttributeError(name)
    globals()[name] = found
    return found
