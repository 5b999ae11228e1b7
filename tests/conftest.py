"""Fixtures: the shipped baseline, and headless Chromium for the browser tests.

Helpers that tests import live in the ``support`` package, not here.
"""

from __future__ import annotations

import pytest

from aiecosim.model import Scenario


@pytest.fixture(scope="session")
def baseline() -> Scenario:
    return Scenario.baseline()


def pytest_setup_options():
    """Headless Chromium for the dashboard's browser tests (dash[testing]'s ``dash_duo``)."""
    from support.dashboard import chrome_options

    return chrome_options()
