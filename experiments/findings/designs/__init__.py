"""The designs behind docs/findings.md (TOML), read through importlib.resources."""
