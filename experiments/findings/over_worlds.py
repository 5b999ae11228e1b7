"""Every claim of the page over plausible worlds, and what kind of claim it is.

The designs behind the page's claims run the defaults' world with many seeds, so their
intervals are Monte Carlo error. Each also runs as a copy over worlds drawn from the shipped
posterior, one seed a world (``COPIES``). A claim is computed in each world of its design's
copy exactly as on the defaults (``Results.in_world``), and its *share of worlds* is the share
in which it holds there; a world where a claim's measure is undefined (a relative change of a
quantity that is zero there) counts as one where it does not hold. The two robustness claims
are themselves about a share of worlds; theirs is the share of the matching headline over the
headlines' posterior worlds.

Labels (DESIGN.md §6): *identity* is true by the code whatever the numbers; *by construction*
follows directly from one rule or assumption; *emergent* comes from the agents' interaction.
Only emergent claims are findings.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Callable

from aiecosim.experiments.findings import jurisdictions, risk_axis, sections, worlds
from aiecosim.experiments.findings.claims import Claim, fact_claims
from aiecosim.experiments.findings.results import Results

IDENTITY, CONSTRUCTION, EMERGENT = "identity", "by construction", "emergent"

# design -> worlds its copy runs, and the claims it carries. Sized so that all copies take
# about as long as the headlines' 200 worlds: 24 worlds give a share's standard error of at
# most 0.1; the policy map's 36 points a world and the risk axis's 18 get fewer.
COPIES: dict[str, tuple[int, Callable[[Results], list[Claim]]]] = {
    "stylized-facts": (24, fact_claims),
    "risk-axis": (16, lambda r: [risk_axis.band_claim(r)]),
    "release-regimes": (24, sections.regime_claims),
    "jurisdictions": (24, jurisdictions.jurisdiction_claims),
    "liability-x-subsidy": (12, sections.policy_map_claims),
    "leak-counterfactual": (24, lambda r: sections.leak_claims(r)[1]),
}
# robustness claim -> the headline over worlds that states the same direction
FROM_HEADLINES = {"innovation is robust": "open weights raise innovation",
                  "provider concentration is robust": "API-only concentrates inference"}

# claim -> (label, why)
LABELS: dict[str, tuple[str, str]] = {
    "1 irreversibility": (IDENTITY, "no rule removes a public model, and a cut API serves no one"),
    "2 gated access leaks": (CONSTRUCTION, "the leak hazard rises with the people given access"),
    "3a open release raises entry": (EMERGENT, "entry responds to expected profit"),
    "3b open release lowers concentration among providers":
        (EMERGENT, "startups choose to host public weights themselves"),
    "4 compute stays concentrated": (EMERGENT, "labs' capital, revenue and investors"),
    "5a the open lag is months to a year": (EMERGENT, "who releases what, when"),
    "5b the lag emerges": (EMERGENT, "an open lab's capital buys its runs"),
    "6a marginal risk": (CONSTRUCTION, "a tier misuses only above its capability threshold"),
    "6b safety training does not protect open weights":
        (CONSTRUCTION, "safeguards come off open weights at a fixed cost"),
    "7 developer liability pushes labs to APIs": (EMERGENT, "labs weigh expected bills"),
    "8 watermarks bind APIs, not open weights":
        (CONSTRUCTION, "the mandate's effectiveness is set apart for APIs and open weights"),
    "9a regulation does not help at low risk": (EMERGENT, "labs' and startups' responses "
                                                "against the harm avoided"),
    "9b rewards can beat punishment at low risk": (EMERGENT, "labs' responses to each lever"),
    "9c regulation helps in a middle band of a continuous risk axis":
        (EMERGENT, "labs' and startups' responses against the harm avoided"),
    "10a closer races cut safety": (EMERGENT, "safety effort as a best response to rivals"),
    "10b more enmity cuts safety": (EMERGENT, "safety effort as a best response to rivals"),
    "11 subsidies raise research, not the frontier":
        (EMERGENT, "academics' output against labs' runs"),
    "12 open access helps defenders":
        (CONSTRUCTION, "deep study needs weights; defence grows with research and access"),
    "open weights raise innovation": (EMERGENT, "startups' entry, costs and competition"),
    "open weights raise entry": (EMERGENT, "entry responds to expected profit"),
    "API-only concentrates inference": (EMERGENT, "startups may stay on earlier weights"),
    "open weights do not spread model development":
        (EMERGENT, "which lab's weights startups choose"),
    "open weights raise safety research":
        (CONSTRUCTION, "deep study needs weights"),
    "open weights raise misuse harm": (EMERGENT, "stripping costs, defence and attempts"),
    "a home-only rule cannot freeze the open frontier":
        (EMERGENT, "weights from abroad are usable at home"),
    "a home-only rule buys less safety": (EMERGENT, "weights from abroad reach bad actors"),
    "strict developer liability is a de facto ban": (EMERGENT, "labs weigh expected bills"),
    "public compute barely moves downstream value":
        (EMERGENT, "subsidised compute against a demand-driven market"),
    "strict liability costs innovation": (EMERGENT, "labs' releases and exits"),
    "the leak brought open weights forward":
        (CONSTRUCTION, "a leak makes the staged model public"),
    "the leak shortened the open lag": (CONSTRUCTION, "a leak makes the staged model public"),
    "innovation is robust": (EMERGENT, "as the headline"),
    "provider concentration is robust": (EMERGENT, "as the headline"),
}


def copy_name(design: str) -> str:
    """The name of ``design``'s copy over plausible worlds, as run into the results folder."""
    return f"{design} over worlds"


def held_in(r: Results) -> dict[str, tuple[int, int]]:
    """Each claim's (worlds where it holds, worlds) over its design's copy."""
    found: dict[str, tuple[int, int]] = {}
    for design, (_, claims_of) in COPIES.items():
        copy = copy_name(design)
        for world in sorted(r.sweeps[copy].points["world"].unique()):
            for claim in claims_of(r.in_world(world, {design: copy})):
                holds, n = found.get(claim.name, (0, 0))
                found[claim.name] = (holds + claim.holds, n + 1)
    headlines = {c.name: c for c in worlds.world_claims(r)}
    for name, headline in FROM_HEADLINES.items():
        match = headlines[headline]
        found[name] = (int(match.holds_in.sum()), len(match.holds_in))
    return found


def labelled(claims: list[Claim], r: Results) -> list[Claim]:
    """``claims`` with their labels and shares of worlds."""
    shares = held_in(r)
    return [replace(c, label=LABELS[c.name][0], held_in=shares.get(c.name)) for c in claims]
