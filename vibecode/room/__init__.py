"""The room: attendees' progress, live, on the presenter's screen.

`service` is the ASGI app `vibecode room` serves, `store` its state (SQLite or PostgreSQL),
`client` the stdlib HTTP calls the workspace commands make (in the background, never slowing
them), `record` the files a workspace keeps about its room, `render` what the views draw.
"""
