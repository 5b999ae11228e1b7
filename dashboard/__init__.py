"""aiecosim's interactive dashboard: explore policy levers, map them, share and compare worlds.

Imports run one way: ``dashboard`` uses ``experiments`` and ``model``; neither imports it.
"""
