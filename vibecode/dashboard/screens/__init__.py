"""The dashboard's extra screens."""
