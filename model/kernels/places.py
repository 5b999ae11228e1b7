"""Where members of a population live (mechanism 13): one jurisdiction each, by population share."""

from __future__ import annotations

import numpy as np


def draw_places(rng: np.random.Generator, shares, n: int) -> np.ndarray:
    """Jurisdiction index of each of ``n`` members, drawn with probabilities ``shares``.

    With one jurisdiction nothing is drawn, so single-jurisdiction runs keep their random
    streams (and their results) unchanged.
    """
    if len(shares) == 1:
        return np.zeros(n, dtype=np.intp)
    return rng.choice(len(shares), size=n, p=shares)
