"""One measured run: the load, the server's loop lag from the tap, and an optional probe."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from vibecode.bench import lag
from vibecode.bench.config import LoadConfig
from vibecode.bench.loadgen import WindowCallback, run_load
from vibecode.bench.probe import Probe, ProbeResult
from vibecode.bench.result import LoadResult, ProgressCallback, StopSignal
from vibecode.bench.stats import summarize


@dataclass(frozen=True)
class Measurement:
    """A labelled run with what was observed around it."""

    label: str
    result: LoadResult
    probe: ProbeResult | None = None
    lag_note: str = lag.NOT_VIBECODE
    """Why the loop lag is missing, when it is."""

    def summary(self) -> dict[str, Any]:
        """The run's `--json` figures, with the label and the probe."""
        data = {"label": self.label, **summarize(self.result)}
        if self.result.loop_lag is None:
            data["loop_lag_note"] = self.lag_note
        if self.probe is not None:
            data["probe"] = self.probe.summary()
        return data


def measure(
    config: LoadConfig,
    *,
    label: str = "",
    workspace: Path | None = None,
    tap_dir: Path | None = None,
    probe_url: str | None = None,
    on_progress: ProgressCallback | None = None,
    stop: StopSignal | None = None,
) -> Measurement:
    """Run `config`, with the loop lag from `tap_dir` or from the workspace's server if targeted.

    The probe's samples are due across the load's measured window (it opens the window), so
    none is taken during the warm-up or while the last requests drain.
    """
    if tap_dir is not None:
        watch = lag.start_watch(tap_dir, config.url)
    else:
        watch = lag.watch_lag(workspace, config.url)
    probe = Probe(probe_url, timeout=config.timeout).start() if probe_url else None
    result: LoadResult | None = None
    try:
        result = generate(
            config,
            on_progress=on_progress,
            stop=stop,
            on_window=probe.open_window if probe is not None else None,
        )
    finally:
        # After Ctrl-C (or a failure), do not wait for samples still in flight.
        finished = result is not None and not result.stopped_early
        probe_result = probe.stop(wait=finished) if probe is not None else None
        loop_lag = watch.stop() if watch is not None else None
    note = lag.NOT_VIBECODE if watch is None else "n/a (the tap sent no samples)"
    return Measurement(
        label=label or config.url,
        result=replace(result, loop_lag=loop_lag),
        probe=probe_result,
        lag_note=note,
    )


def generate(
    config: LoadConfig,
    *,
    on_progress: ProgressCallback | None = None,
    stop: StopSignal | None = None,
    on_window: WindowCallback | None = None,
) -> LoadResult:
    """The load in this process, or spread over `config.processes` processes."""
    if config.processes > 1:
        from vibecode.bench.multiproc import run_processes

        return run_processes(config, on_progress=on_progress, stop=stop, on_window=on_window)
    return run_load(config, on_progress=on_progress, stop=stop, on_window=on_window)
