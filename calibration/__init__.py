"""Observations the model is compared with: the 2023 calibration targets and the held-out
2024-25 hindcast (read by ``aiecosim.experiments.observations``)."""
