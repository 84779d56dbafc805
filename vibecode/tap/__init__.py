"""The request tap: an ASGI middleware in the served process and the channel readers use."""
