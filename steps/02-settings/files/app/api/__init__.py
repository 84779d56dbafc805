"""HTTP layer: routers that translate requests into service calls and back."""
