"""The shipped experiment designs (TOML), read through importlib.resources."""
