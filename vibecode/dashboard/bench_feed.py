"""The load generator's snapshots as the bench view's progress: which side, how far, the figures."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from vibecode.dashboard.backend import BenchProgress

if TYPE_CHECKING:
    from vibecode.bench.result import Progress


class BenchFeed:
    """Follows a run of one or more sides; `side(label)` and `progress(snapshot)` are callbacks."""

    def __init__(
        self, sides: Sequence[str], seconds: float, on_progress: Callable[[BenchProgress], None]
    ) -> None:
        self.sides = list(sides)
        self.seconds = max(seconds, 1e-9)
        self.on_progress = on_progress
        self.current = self.sides[0] if self.sides else ""

    def side(self, label: str) -> None:
        """The next side starts."""
        self.current = label
        index = self.sides.index(label) if label in self.sides else 0
        self.on_progress(BenchProgress(side=label, fraction=index / max(1, len(self.sides))))

    def progress(self, snapshot: Progress) -> None:
        """One snapshot of the side running."""
        count = max(1, len(self.sides))
        index = self.sides.index(self.current) if self.current in self.sides else 0
        done = min(1.0, snapshot.elapsed_s / self.seconds)
        detail = f"{snapshot.rps:,.0f} req/s  {snapshot.completed:,} done"
        if snapshot.errors:
            detail += f"  {snapshot.errors:,} errors"
        if snapshot.warming_up:
            detail = "warming up"
        elif done >= 1.0 or snapshot.draining:
            detail = f"waiting for {snapshot.in_flight:,} in flight"
        self.on_progress(
            BenchProgress(
                self.current,
                (index + done) / count,
                detail,
                rps=None if snapshot.draining else snapshot.rps,
                p50_ms=snapshot.p50_ms,
                p99_ms=snapshot.p99_ms,
                oldest_wait_ms=snapshot.oldest_wait_ms,
                status=dict(snapshot.status),
                errors=snapshot.errors,
                latency_counts=snapshot.latency_counts,
                completed=snapshot.completed,
            )
        )
