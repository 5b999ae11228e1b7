"""Same scenario and seed give the same frame, bit for bit, in this and a fresh process."""

from __future__ import annotations

import subprocess
import sys

from aiecosim.model import simulate

from support.runs import REPO

FRESH = """
import hashlib, sys
from aiecosim.model import Scenario, simulate
frame = simulate(Scenario.baseline(), seed=7)
sys.stdout.write(hashlib.sha256(frame.to_numpy().tobytes()).hexdigest())
"""


def test_same_seed_gives_identical_frames(baseline):
    first, second = simulate(baseline, seed=3), simulate(baseline, seed=3)
    assert first.equals(second)
    assert first.to_numpy().tobytes() == second.to_numpy().tobytes()


def test_different_seeds_differ(baseline):
    assert not simulate(baseline, seed=1).equals(simulate(baseline, seed=2))


def test_fresh_process_reproduces_the_frame(baseline):
    import hashlib

    here = hashlib.sha256(simulate(baseline, seed=7).to_numpy().tobytes()).hexdigest()
    there = subprocess.run([sys.executable, "-c", FRESH], cwd=REPO, capture_output=True,
                           text=True, check=True).stdout
    assert here == there


def test_frame_has_one_row_per_month_and_the_designed_columns(baseline):
    frame = simulate(baseline, seed=0)
    assert frame["step"].to_list() == list(range(1, baseline.steps + 1))
    designed = {"step", "frontier_capability", "open_capability", "open_lag_months",
                "labs_open_share", "startups_active", "startups_open_share", "hhi",
                "innovation", "academic_output", "safety_research", "defense_capacity",
                "misuse_attempts", "misuse_incidents", "misuse_harm", "liability_paid",
                "public_compute_used", "welfare"}
    assert designed <= set(frame.columns)
