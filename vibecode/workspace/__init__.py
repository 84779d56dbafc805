"""The workspace: the app as of some step, the tool's state in `.vibecode/`, no edit ever lost."""
