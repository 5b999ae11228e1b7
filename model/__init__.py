"""aiecosim's simulation: a Mesa model of open-weight versus API-only AI ecosystems."""

from aiecosim.model.errors import ScenarioError
from aiecosim.model.scenario import Scenario

__all__ = ["Scenario", "ScenarioError", "EcosystemModel", "simulate"]


def __getattr__(name: str):
    # Lazy so that reading or validating a scenario does not import mesa.
    # The submodule ``model.simulate`` would otherwise shadow the function of the same name.
    if name == "EcosystemModel":
        from aiecosim.model.ecosystem import EcosystemModel as found
    elif name == "simulate":
        from aiecosim.model.simulate import simulate as found
    else:
        raise AttributeError(name)
    globals()[name] = found
    return found
