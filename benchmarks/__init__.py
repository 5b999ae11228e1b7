"""Speed and scale harness: the vectorized model timed against a plain per-agent Mesa reference.

Imports run one way: benchmarks → model. ``benchmarks.cli`` registers ``aiecosim bench``.
"""
