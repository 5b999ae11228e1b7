"""The shipped scenario files (TOML) and their JSON Schema: a package, so that an installed
aiecosim reads them through importlib.resources."""
