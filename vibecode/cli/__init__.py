"""The command-line edge: commands parse arguments and hand off to the domain modules."""
