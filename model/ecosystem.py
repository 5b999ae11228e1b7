"""EcosystemModel: frontier labs, startups, academics, bad actors and a regulator, month by month."""

from __future__ import annotations

from pathlib import Path

import mesa
import numpy as np

from aiecosim.model.agents.academics import AcademicPopulation
from aiecosim.model.agents.access import Access, build_access
from aiecosim.model.agents.bad_actors import BadActorPopulation
from aiecosim.model.agents.capital_market import settle_accounts
from aiecosim.model.agents.lab import FrontierLab
from aiecosim.model.agents.race import SafetyChoice, choose_safety
from aiecosim.model.agents.regulator import Regulator
from aiecosim.model.agents.startups import StartupPopulation
from aiecosim.model.kernels.market import use_shares
from aiecosim.model.kernels.misuse import OPEN_ROUTE
from aiecosim.model.kernels.policy import open_harm_shares
from aiecosim.model.kernels.release import API, LICENSED, WEIGHTS_PUBLIC, allowed_modes
from aiecosim.model.mesa_native import metrics_collector, scenario_from
from aiecosim.model.recorder import MetricsRecorder
from aiecosim.model.scenario import Scenario
from aiecosim.model.world import World


class EcosystemModel(mesa.Model):
    """A Mesa model of an AI ecosystem under a release regime and policy levers.

    Labs and the regulator are Mesa agents; startups, academics and bad actors are one Mesa agent
    per population whose members are rows of numpy arrays.

    Args:
        scenario: the world to simulate: a Scenario, a shipped scenario's name or a file path
            (defaults to the built-in baseline).
        rng: seed or numpy Generator; every random draw comes from ``self.rng``.
        collect: keep ``self.datacollector``, a ``mesa.DataCollector`` of the metrics table,
            for Mesa's tools (``mesa.batch_run``); ``simulate()`` turns it off, as the recorder
            already holds every value.
        **overrides: dotted keys applied to the scenario, e.g.
            ``**{"policy.liability.strength": 0.5}`` (how ``mesa.batch_run`` passes them); an
            unknown key or a bad value raises ``ScenarioError``.
    """

    def __init__(self, scenario: Scenario | str | Path | None = None, rng=None, *,
                 collect: bool = True, **overrides) -> None:
        resolved = scenario_from(scenario, overrides)  # a bad argument fails before any state
        super().__init__(rng=rng)
        self.scenario = resolved
        self.world = World.start(self.scenario)
        self.regulators = [Regulator(self, place)
                           for place in range(len(self.scenario.jurisdictions))]
        self.regulator = self.regulators[0]  # home's: the one-jurisdiction view of the policy
        self.labs = [FrontierLab(self, i, spec) for i, spec in enumerate(self.scenario.labs)]
        self.startups = StartupPopulation(self)
        self.academics = AcademicPopulation(self)
        self.note_use()
        self.bad_actors = BadActorPopulation(self)
        self.recorder = MetricsRecorder(self.scenario.steps)
        self.events = sorted(self.scenario.events, key=lambda e: e.month)
        self._race_month, self._safety = -1, None
        self.comply_at_start()
        self.world.begin(self.lab_capabilities())
        self.access: Access = build_access(self)
        self.datacollector: mesa.DataCollector | None = metrics_collector() if collect else None

    # Mesa 3.5's own ``scenario`` property links a mesa Scenario back to the model; ours is the
    # validated pydantic world, kept as given.
    @property
    def scenario(self) -> Scenario:
        return self._ecosystem_scenario

    @scenario.setter
    def scenario(self, value) -> None:
        self._ecosystem_scenario = value

    def step(self) -> None:
        """One month of the ecosystem, in the order things happen."""
        self.apply_events()
        self.world.advance_technology(self.steps)  # compute cheaper, algorithms better
        for regulator in self.regulators:
            regulator.step()  # policy reacts, with a lag, to past harm
        self.agents_by_type[FrontierLab].shuffle_do("step")  # safety, training, releases, leaks
        self.world.diffuse(community=0.5 + 0.5 * self.startups.open_share)  # derivatives, lag
        self.access = build_access(self, self.access)  # what labs offer this month
        self.startups.step()  # enter, choose open or API, grow, exit
        self.note_use()  # who serves the users: accidents happen in use
        self.academics.step()  # research with the access and compute at hand
        self.bad_actors.step()  # obtain capability, attempt misuse, get banned
        for regulator in self.regulators:  # harm anywhere, acted on after each one's lag
            regulator.observe(self.bad_actors.harm_usd_bn.sum())
        self.settle_liability()  # whoever bears liability pays for this month's harm
        settle_accounts(self)  # revenue, investors and parents in; spending and bills out
        self.world.update_defense(self.safety_research(), self.access.best_accessible())
        self.world.research_boost = self.academic_progress()
        self.recorder.record(self)
        if self.datacollector is not None:  # after the recorder: it reads the row just written
            self.datacollector.collect(self)
        if self.steps >= self.scenario.steps:
            self.running = False

    # ----------------------------------------------------------------------------- helpers
    def lab_capabilities(self) -> np.ndarray:
        return np.array([lab.capability for lab in self.labs if lab.active])

    def note_use(self) -> None:
        """Each lab's share of the use of the labs' own services this month: users of its API
        through startups and of its own products (kernels.market.use_shares)."""
        direct = np.array([lab.direct_users() for lab in self.labs])
        self.use_shares = use_shares(self.startups.provider_users + direct)

    def safety_choice(self) -> SafetyChoice:
        """This month's race game (agents.race), played once, when the first lab asks, from the
        state at the start of the month."""
        if self._race_month != self.steps:
            self._race_month = self.steps
            self._safety = choose_safety(self)
        return self._safety

    def publish_weights(self, lab: FrontierLab) -> None:
        """A lab's flagship weights are now public, for good."""
        licensed = lab.mode == LICENSED
        lab.leaked = not lab.weights_public
        self.world.publish(lab.capability, lab.index, licensed=licensed)

    def comply_at_start(self) -> None:
        """Flagships held at the start obey the regime (as if it applied before the run)."""
        for lab in self.labs:
            allowed = allowed_modes(lab.regulator.regime, lab.capability,
                                    lab.policy.api_only_threshold)
            if not allowed[lab.mode]:
                lab.mode = API if allowed[API] else int(np.flatnonzero(allowed)[-1])
            if WEIGHTS_PUBLIC[lab.mode]:
                self.world.publish(lab.capability, lab.index, licensed=lab.mode == LICENSED)
        self.world.open_capability = max(self.world.open_capability, self.world.open_base)

    def apply_events(self) -> None:
        """Scheduled events: an API cut or restored, weights leaked."""
        month = self.steps
        while self.events and self.events[0].month <= month:
            event = self.events.pop(0)
            for lab in self.labs:
                if event.lab not in ("*", lab.spec.name):
                    continue
                if event.kind == "cut-api":
                    lab.api_open = False
                elif event.kind == "restore-api":
                    lab.api_open = True
                elif event.kind == "leak" and not lab.weights_public:
                    self.publish_weights(lab)

    def cut_api(self, lab_name: str = "*") -> None:
        """Shut a lab's API now (or every lab's): its customers and abusers lose access."""
        for lab in self.labs:
            if lab_name in ("*", lab.spec.name):
                lab.api_open = False

    def settle_liability(self) -> None:
        """Developers pay their share of the harm their models enabled, by the rules of their
        own jurisdiction; exits follow."""
        open_harm = self.bad_actors.harm_usd_bn[OPEN_ROUTE]
        users = self.startups.open_users_by_origin.astype(float)
        for lab, api_harm in zip(self.labs, self.bad_actors.api_harm_by_lab):
            if lab.active:
                # Each lab is judged by its own jurisdiction's rule for open-weight harm.
                rule = lab.regulator.policy.liability.open_attribution
                share = open_harm_shares(rule, users, self.world.open_origin)[lab.index]
                on_developer, _ = lab.regulator.liability_split()
                lab.pay_liability(float((api_harm + share * open_harm) * on_developer))

    def safety_research(self) -> float:
        """Safety research this month: academic safety groups plus labs' own safety work."""
        weight = self.scenario.populations.academics.lab_safety_weight / 1000.0
        labs = sum(lab.safety_effort for lab in self.labs if lab.active) * weight
        return self.academics.safety_output + labs

    def academic_progress(self) -> float:
        """Academic output's rise above the first month's, in units of what the same groups
        could have done that month with full access: drives algorithmic spill-overs. (Measured
        against the first month's output itself, a community that began with almost no
        access would see its output rise a thousandfold when weights were first released,
        and algorithms gain thirty orders of magnitude in a month.)"""
        if self.steps == 1:
            self.world.academic_output_start = self.academics.output
        unit = self.academics.full_access_output_start
        if unit <= 0.0:  # no groups, or none with compute: nothing to spill over
            return 0.0
        return (self.academics.output - self.world.academic_output_start) / unit
