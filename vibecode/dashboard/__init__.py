"""The Textual cockpit: the course, the live requests and the server, driven by single keys."""
