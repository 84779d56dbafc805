"""Reference app: async FastAPI + SQLAlchemy 2.0, the final state of every workshop step."""
