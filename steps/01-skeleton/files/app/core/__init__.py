"""Cross-cutting pieces: settings, database, security, logging and error handling."""
