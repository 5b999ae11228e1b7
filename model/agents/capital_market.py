"""The labs' money each month: revenue from their APIs and products, investors, parents.

Under ``finance.form = "capital"`` every lab books this at the end of the month (see
``FrontierLab.book``); under ``"exogenous"`` revenue is measured but funds nothing.
"""

from __future__ import annotations

import numpy as np

from aiecosim.model.kernels.finance import investor_shares, market_flow, revenue_growth


def lab_revenues(model) -> tuple[np.ndarray, np.ndarray]:
    """Each lab's revenue this month (USD bn): net of serving, and gross.

    API: its customers' users at its price, less its serving cost (hosted open weights count
    when the lab serves them). Own products: direct users at the net revenue per user, while
    the lab's serving is open.
    """
    access, startups = model.access, model.startups
    f = model.scenario.finance
    users = startups.provider_users
    offered = np.isfinite(access.api_price)
    fees = np.where(offered, users * np.where(offered, access.api_price, 0.0), 0.0)
    cost = np.where(offered, users * np.where(offered, access.api_cost, 0.0), 0.0)
    # A cut shuts the lab's serving: its own products earn nothing while its API is shut.
    products = np.array([lab.direct_users() * lab.api_open for lab in model.labs]) \
        * f.product_revenue_per_user_usd
    return (fees - cost + products) / 1e9, (fees + products) / 1e9


def settle_accounts(model) -> None:
    """Revenue, investors' shares of this month's capital market and parents' funding, booked
    into each active lab's capital."""
    f = model.scenario.finance
    labs = model.labs
    net, gross = lab_revenues(model)
    if not labs[0].capital_form:
        for lab, revenue, revenue_gross in zip(labs, net, gross):
            lab.revenue, lab.revenue_gross = float(revenue), float(revenue_gross)
        return
    month = model.steps
    active = np.array([lab.active for lab in labs])
    capability = np.array([lab.capability for lab in labs])
    trend = np.array([lab.revenue_trend for lab in labs])
    shares = investor_shares(capability, revenue_growth(net, trend), active,
                             f.capability_pull, f.growth_pull)
    market = market_flow(f.investment_usd_bn * f.lab_share, f.investment_growth, month)
    parent_scale = market_flow(1.0, f.parent_growth, month)  # a month of 1 USD bn a year
    for lab, revenue, revenue_gross, share in zip(labs, net, gross, shares):
        if lab.active:
            lab.book(float(revenue), float(revenue_gross), float(share * market),
                     lab.spec.parent_funding_usd_bn * parent_scale)
