"""Scenarios that steps declare (`[[bench]]` in step.toml), run side by side by name."""

from __future__ import annotations

import contextlib
import secrets
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from pathlib import Path

from vibecode.bench.compare import Comparison, join, skipped
from vibecode.bench.config import SEQ, LoadConfig
from vibecode.bench.measure import Measurement, measure
from vibecode.bench.result import ProgressCallback, StopSignal
from vibecode.course import templating
from vibecode.course.manifest import BenchTarget, Course, RequestSpec
from vibecode.errors import VibecodeError

SHORT_SECONDS = 2.0
"""`short=True` (for `vibecode rehearse`): each side runs this long. Long enough for the claims
to be judged honestly (the hashing side answers about 7 requests a second: 2 s makes one more or
one fewer a 7% change, not 15%), short enough for a rehearsal of every step."""
WARMUP_S = 0.5
SHORT_WARMUP_S = 0.5
"""As long as a full run's: a PostgreSQL side opens its 20 pooled connections in it."""
SERVER_READY_TIMEOUT_S = 60.0

SideCallback = Callable[[str], None]
ServerStarter = Callable[[Path, str], AbstractContextManager[tuple[str, Path | None]]]
"""Starts a temporary server of the workspace on a database kind: (base URL, tap folder)."""


def run_scenario(
    course: Course,
    name: str,
    *,
    ws: Path,
    base_url: str | None,
    on_progress: ProgressCallback | None = None,
    short: bool = False,
    on_side: SideCallback | None = None,
    stop: StopSignal | None = None,
    concurrency: int | None = None,
    duration: float | None = None,
    start_server: ServerStarter | None = None,
) -> Comparison:
    """Run the scenario `name`: setup requests, then the same load on side A and on side B.

    The comparison carries the scenario's claims; `vibecode.bench.verdict.judge` checks them.
    """
    _, scenario = course.find_bench(name)
    seconds = SHORT_SECONDS if short else (duration or scenario.duration)
    sides: list[Measurement] = []
    for target in (scenario.a, scenario.b):
        if sides and sides[0].result.stopped_early:
            sides.append(skipped(sides[0], target.label))
            break
        if on_side is not None:
            on_side(target.label)
        with _server_for(
            target, ws=ws, base_url=base_url, start_server=start_server or temporary_server
        ) as (url, tap_dir):
            variables = run_setup(url, scenario.setup)
            config = target_config(
                target,
                url,
                variables,
                concurrency=concurrency or scenario.concurrency,
                duration=seconds,
                warmup=SHORT_WARMUP_S if short else WARMUP_S,
                timeout=scenario.timeout,
            )
            sides.append(
                measure(
                    config,
                    label=target.label,
                    workspace=ws,
                    tap_dir=tap_dir,
                    probe_url=join(url, scenario.probe) if scenario.probe else None,
                    on_progress=on_progress,
                    stop=stop,
                )
            )
    return Comparison(
        title=scenario.title, a=sides[0], b=sides[1], note=scenario.note, claims=scenario.claims
    )


def target_config(
    target: BenchTarget,
    base_url: str,
    variables: Mapping[str, str],
    *,
    concurrency: int,
    duration: float,
    warmup: float,
    timeout: float = 10.0,
) -> LoadConfig:
    """The load for one side, with `${name}` filled from the setup captures (`${seq}` kept)."""
    values = {**variables, "seq": SEQ}
    return LoadConfig(
        url=base_url.rstrip("/") + templating.render(target.path, values),
        method=target.method,
        headers=templating.render(dict(target.headers), values),
        json=templating.render(target.json, values),
        concurrency=concurrency,
        duration=duration,
        warmup=warmup,
        timeout=timeout,
    )


def run_setup(base_url: str, specs: Sequence[RequestSpec]) -> dict[str, str]:
    """Fire the setup requests in order and return the variables they captured (and `run`)."""
    if not specs:
        return {"run": templating.new_run_id()}
    from vibecode.demo.runner import run_requests

    variables = {"run": templating.new_run_id(), "seq": SEQ}
    results = run_requests(base_url, specs, variables=variables)
    for result in results:
        if not result.ok:
            raise VibecodeError(
                f"benchmark setup request {result.spec.name!r} failed: {result.error}"
            )
        variables.update(result.captured)
    return variables


@contextlib.contextmanager
def _server_for(
    target: BenchTarget, *, ws: Path, base_url: str | None, start_server: ServerStarter
) -> Iterator[tuple[str, Path | None]]:
    """The side's server: the running one, or its own temporary one when the side names a db."""
    if target.db is not None:
        with start_server(ws, target.db) as started:
            yield started
        return
    if not base_url:
        raise VibecodeError(
            "no server to benchmark", hint="start one with `vibecode serve` or pass --url"
        )
    yield base_url, None


@contextlib.contextmanager
def temporary_server(ws: Path, db: str) -> Iterator[tuple[str, Path | None]]:
    """The workspace's app on a free port with its own database (fresh SQLite, or PostgreSQL)."""
    from vibecode.serve.recorded import temporary

    with (
        tempfile.TemporaryDirectory(prefix="vibecode-bench-") as folder,
        side_database(db, ws, Path(folder)) as database_url,
        temporary(
            ws,
            database_url=database_url,
            access_log=False,
            log_path=Path(folder) / "server.log",
            timeout=SERVER_READY_TIMEOUT_S,
        ) as server,
    ):
        yield server.url, server.tap_dir


@contextlib.contextmanager
def side_database(db: str, ws: Path, folder: Path) -> Iterator[str]:
    """An empty database for one side, removed afterwards: both sides start from nothing.

    SQLite: a new file in `folder`. PostgreSQL: a throwaway database on the server DATABASE_URL
    names (or the default one), so a benchmark never writes into a database someone else uses;
    if that user may not create databases, the configured database itself.
    """
    if db == "sqlite":
        yield f"sqlite+aiosqlite:///{folder / 'bench.db'}"
        return
    from vibecode.serve import postgres
    from vibecode.serve.environment import resolve_database_url

    configured = resolve_database_url(ws, "postgres")
    name = f"vibecode_scenario_{secrets.token_hex(4)}"
    try:
        url = postgres.recreate_database(configured, name)
    except VibecodeError:
        # No CREATEDB right (or the server is down: the server's pre-flight says so clearly).
        yield configured
        return
    try:
        yield url
    finally:
        with contextlib.suppress(VibecodeError):
            postgres.drop_database(configured, name)
