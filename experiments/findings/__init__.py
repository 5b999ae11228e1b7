"""docs/findings.md: the claims, the sweeps behind them and the page."""
