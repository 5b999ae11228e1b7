"""A random generator of the search's own, in place of Python's shared ``random`` module.

Platypus (its algorithms, operators and variable types) and EMA's variator draw from the
module-level functions of ``random``, the one generator every thread of the process shares.
Dask's client and local scheduler draw from it too (``dask.sizeof`` samples large containers,
the scheduler shuffles and samples workers, comms back off at random), at moments that depend
on the machine's timing. Seeding ``random`` is then not enough: the draws the search gets
would depend on what Dask did meanwhile, and so would the front. Inside ``private_random``
those libraries' ``random`` is a ``random.Random`` of their own, seeded; nothing else sees it.
"""

from __future__ import annotations

import random
import sys
from contextlib import contextmanager
from typing import Iterator

# The modules whose draws decide the search: platypus and everything under it, and EMA's
# optimisation module (its CombinedVariator; it also seeds ``random`` before the search).
OWNERS = ("platypus", "ema_workbench.em_framework.optimization")


def _owned_modules() -> list:
    return [module for name, module in list(sys.modules.items())
            if any(name == owner or name.startswith(f"{owner}.") for owner in OWNERS)
            and getattr(module, "random", None) is random]


@contextmanager
def private_random(seed: int) -> Iterator[random.Random]:
    """Give the search's libraries their own generator, seeded with ``seed``, for the block.

    The libraries must be imported before the block. Not for concurrent searches in one
    process: the libraries' modules are shared, so two searches at once would share it."""
    generator = random.Random(seed)
    modules = _owned_modules()
    for module in modules:
        module.random = generator  # a Random has every function of the module they call
    try:
        yield generator
    finally:
        for module in modules:
            module.random = random
