"""Logging setup: request ids on every record."""

import contextvars
import logging
import sys
from typing import TextIO

# Set by the request-id middleware for the duration of one request.
request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")


class RequestIdFilter(logging.Filter):
    """Stamp each record with the id of the request being served ("-" outside requests)."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Add `record.request_id` unless the caller passed one."""
        if not hasattr(record, "request_id"):
            record.request_id = request_id_var.get()
        return True


class _StderrHandler(logging.StreamHandler[TextIO]):
    """A stream handler that looks up `sys.stderr` at each write (test runners swap it)."""

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, _value: TextIO) -> None:
        pass


_HANDLER_NAME = "app"


def configure_logging(level: str, stream: TextIO | None = None) -> logging.Handler:
    """Install the app's handler on the root logger (once) and set the app's log level."""
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == _HANDLER_NAME]:
        root.removeHandler(old)
    handler: logging.Handler = (
        logging.StreamHandler(stream) if stream is not None else _StderrHandler()
    )
    handler.set_name(_HANDLER_NAME)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")
    )
    root.addHandler(handler)
    logging.getLogger("app").setLevel(level)
    return handler
