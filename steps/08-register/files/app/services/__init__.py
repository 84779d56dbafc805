"""Business logic: one service per domain, each working on one request's session."""
