"""vibecode: a live-coding demo CLI and workshop kit for async FastAPI + SQLAlchemy 2.0."""

__version__ = "0.1.0"
