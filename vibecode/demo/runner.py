"""Fire demo requests in order: fill placeholders, capture values, check expected statuses."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from vibecode.course import templating
from vibecode.course.manifest import RequestSpec
from vibecode.errors import VibecodeError

if TYPE_CHECKING:
    import httpx

REQUEST_TIMEOUT = 30.0


@dataclass(frozen=True)
class DemoResult:
    """One fired request and its answer (or why there is none)."""

    spec: RequestSpec
    method: str
    url: str
    request_headers: Mapping[str, str] = field(default_factory=dict)
    request_json: Any = None
    request_form: Mapping[str, str] | None = None
    status: int | None = None
    reason: str = ""
    ms: float = 0.0
    response_headers: Mapping[str, str] = field(default_factory=dict)
    body: Any = None
    """The decoded JSON body, or the text when it is not JSON."""
    error: str | None = None
    captured: Mapping[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """The expected status came back and every capture was found."""
        return self.error is None


def run_requests(
    base_url: str,
    specs: Sequence[RequestSpec],
    *,
    variables: Mapping[str, str] | None = None,
    on_result: Callable[[DemoResult], None] | None = None,
    transport: httpx.BaseTransport | None = None,
) -> list[DemoResult]:
    """Fire `specs` in order against `base_url`; later requests use earlier captures.

    Raises `VibecodeError` when nothing answers at `base_url` (with how to start a server).
    """
    import httpx

    values = {"run": templating.new_run_id(), **(variables or {})}
    results: list[DemoResult] = []
    with httpx.Client(
        base_url=base_url, timeout=REQUEST_TIMEOUT, transport=transport, follow_redirects=False
    ) as client:
        for spec in specs:
            result = _fire(client, base_url, spec, values)
            values.update(result.captured)
            results.append(result)
            if on_result is not None:
                on_result(result)
    return results


def _fire(
    client: httpx.Client, base_url: str, spec: RequestSpec, values: dict[str, str]
) -> DemoResult:
    import httpx

    url = base_url.rstrip("/") + spec.path
    try:
        path = templating.render(spec.path, values)
        headers: dict[str, str] = templating.render(dict(spec.headers), values)
        body_json = templating.render(spec.json, values)
        form = templating.render(dict(spec.form), values) if spec.form is not None else None
    except VibecodeError as render_error:
        return DemoResult(spec=spec, method=spec.method, url=url, error=f"not sent: {render_error}")
    url = base_url.rstrip("/") + path
    shown_headers = dict(headers)
    if body_json is not None:
        shown_headers.setdefault("content-type", "application/json")
    elif form is not None:
        shown_headers.setdefault("content-type", "application/x-www-form-urlencoded")
    sent = DemoResult(
        spec=spec,
        method=spec.method,
        url=url,
        request_headers=shown_headers,
        request_json=body_json,
        request_form=form,
    )
    began = time.perf_counter()
    try:
        response = client.request(spec.method, path, headers=headers, json=body_json, data=form)
    except httpx.ConnectError:
        raise VibecodeError(
            f"no server answers at {base_url}",
            hint="start one with `vibecode serve` in another terminal, or run `vibecode demo "
            "--start`",
        ) from None
    except httpx.TimeoutException:
        return _replace(sent, error=f"no answer within {REQUEST_TIMEOUT:.0f} s")
    except httpx.HTTPError as exc:
        return _replace(sent, error=f"request failed: {exc}")
    ms = (time.perf_counter() - began) * 1000
    body = _decode(response)
    error: str | None = None
    captured: dict[str, str] = {}
    if response.status_code not in spec.expect:
        wanted = " or ".join(str(status) for status in spec.expect)
        error = f"expected {wanted}, got {response.status_code}"
    else:
        try:
            captured = {name: templating.extract(body, p) for name, p in spec.capture.items()}
        except VibecodeError as capture_error:
            error = str(capture_error)
    return _replace(
        sent,
        status=response.status_code,
        reason=response.reason_phrase,
        ms=ms,
        response_headers=dict(response.headers),
        body=body,
        error=error,
        captured=captured,
    )


def _decode(response: httpx.Response) -> Any:
    if "json" in response.headers.get("content-type", ""):
        try:
            return response.json()
        except (json.JSONDecodeError, UnicodeDecodeError):
            pass
    return response.text


def _replace(result: DemoResult, **changes: Any) -> DemoResult:
    from dataclasses import replace

    return replace(result, **changes)
