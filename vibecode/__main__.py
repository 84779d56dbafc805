"""`python -m vibecode` runs the CLI."""

from vibecode.cli.main import run

run()
