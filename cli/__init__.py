"""The `aiecosim` command line: a thin face that parses, calls the layers below and prints."""
