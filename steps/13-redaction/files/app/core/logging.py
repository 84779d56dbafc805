"""Logging setup: request ids on every record, secrets scrubbed before anything is written."""

import contextvars
import logging
import re
import sys
from collections.abc import Mapping
from typing import Any, TextIO

# Set by the request-id middleware for the duration of one request.
request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")

REDACTED = "[REDACTED]"
SENSITIVE_KEYS = re.compile(
    r"password|token|secret|authorization|api[_-]?key|cookie", re.IGNORECASE
)
# Redaction runs on the event loop, on text a client chose (a path, a query string), so each
# pattern is linear: `[\w-]*password` retried from every character (16,000 froze the loop for
# 9.4 s). Patterns start where a word starts and never give back what they matched (`++`, `(?>`).
# key=value, key: value, "key": "value" where the key looks sensitive.
_KEY_VALUE = re.compile(
    r"""(?<![\w-])(?P<key>["']?(?>[\w-]*?(?:password|token|secret|authorization|api[_-]?key)"""
    r"""[\w-]*+)["']?\s*+[:=]\s*+)(?P<value>"[^"]*+"|'[^']*+'|(?:Bearer\s++)?[^\s,;&}\]]++)""",
    re.IGNORECASE,
)
_BEARER = re.compile(r"(Bearer\s++)[\w.~+/=-]++", re.IGNORECASE)
# A JWT anywhere in a text: three base64url segments, the first two starting with '{"'.
_JWT = re.compile(r"(?<![\w-])eyJ[\w-]++\.eyJ[\w-]++\.[\w-]*+")
_PASSWORD_HASH = re.compile(r"\$argon2(?:id|i|d)\$[^\s'\")]++")
MAX_LOGGED_CHARS = 2000  # of one value from a request (a path, a header)

# Attributes every LogRecord has; anything else on a record came from `extra=`.
_STANDARD_ATTRS = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
    "request_id",
}


def redact_text(text: str) -> str:
    """Replace sensitive values in free text (key=value pairs, bearer tokens, JWTs, hashes)."""
    text = _KEY_VALUE.sub(lambda m: m.group("key") + REDACTED, text)
    text = _BEARER.sub(lambda m: m.group(1) + REDACTED, text)
    text = _JWT.sub(REDACTED, text)
    return _PASSWORD_HASH.sub(REDACTED, text)


def redact(value: Any) -> Any:
    """Return `value` with sensitive entries replaced, recursing into containers."""
    if isinstance(value, str):
        return redact_text(_capped(value))
    if isinstance(value, Mapping):
        return {
            k: REDACTED if isinstance(k, str) and SENSITIVE_KEYS.search(k) else redact(v)
            for k, v in value.items()
        }
    if type(value) in (list, tuple, set):  # exact types: a namedtuple cannot be rebuilt so
        return type(value)(redact(v) for v in value)
    if value is None or isinstance(value, int | float):
        return value
    # Any other object (a URL, an exception...) is replaced by its scrubbed text if needed.
    text = str(value)
    scrubbed = redact_text(_capped(text))
    return value if scrubbed == text else scrubbed


def _capped(text: str) -> str:
    """`text`, cut at MAX_LOGGED_CHARS with a note of how much was left out."""
    if len(text) <= MAX_LOGGED_CHARS:
        return text
    return f"{text[:MAX_LOGGED_CHARS]}...[{len(text) - MAX_LOGGED_CHARS} more characters]"


class RedactionFilter(logging.Filter):
    """Scrub passwords, tokens and secrets from a record's message, args, extras and traceback.

    It edits the record in place, so every handler that sees the record afterwards sees the
    scrubbed version.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        """Scrub the record and let it through."""
        if isinstance(record.msg, str):
            record.msg = redact_text(record.msg)
        if record.args:
            record.args = redact(record.args)
        for key, value in list(vars(record).items()):
            if key in _STANDARD_ATTRS:
                continue
            setattr(record, key, REDACTED if SENSITIVE_KEYS.search(key) else redact(value))
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact_text(record.exc_text)
            # Formatters print the (scrubbed) exc_text; the exception object itself, whose
            # message may hold a secret, must not be formatted again by a later handler.
            record.exc_info = None
        if record.stack_info:
            record.stack_info = redact_text(record.stack_info)
        return True


class RequestIdFilter(logging.Filter):
    """Stamp each record with the id of the request being served ("-" outside requests)."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Add `record.request_id` unless the caller passed one."""
        if not hasattr(record, "request_id"):
            record.request_id = request_id_var.get()
        return True


class KeyValueFormatter(logging.Formatter):
    """Format a line, then append the record's `extra=` fields as key=value pairs."""

    def format(self, record: logging.LogRecord) -> str:
        """Format the record with its extras."""
        line = super().format(record)
        extras = " ".join(
            f"{key}={value!r}" for key, value in vars(record).items() if key not in _STANDARD_ATTRS
        )
        if not extras:
            return line
        head, sep, tail = line.partition("\n")  # keep the traceback after the extras
        return f"{head} {extras}{sep}{tail}"


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
    # Order matters: redact first, so that nothing later can see the raw values.
    handler.addFilter(RedactionFilter())
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(
        KeyValueFormatter("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")
    )
    root.addHandler(handler)
    # uvicorn writes through its own handlers, among them the traceback of every error that
    # reaches it: scrub those too.
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        for other in logging.getLogger(name).handlers:
            if not any(isinstance(f, RedactionFilter) for f in other.filters):
                other.addFilter(RedactionFilter())
    logging.getLogger("app").setLevel(level)
    return handler
