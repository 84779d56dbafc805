"""Serving a workspace: the uvicorn child process, pre-flight checks, migrations, the record."""
