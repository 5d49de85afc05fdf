"""The release of this tree: `stratus --version`, the first log line of
every service, and the project's version (pyproject.toml reads it)."""
VERSION = "0.2.0.dev0"
