"""`review(root)`: every rule on one project, the tools running side by side."""

from __future__ import annotations

import json
import os
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from vibecode.review.project import Project
from vibecode.review.rules import RULES, Finding


@dataclass(frozen=True)
class Review:
    """What the review found, sorted by file and line; `skipped`: rules not applied."""

    root: Path
    findings: tuple[Finding, ...]
    seconds: float
    skipped: frozenset[str] = field(default_factory=frozenset)

    @property
    def ok(self) -> bool:
        """Nothing found."""
        return not self.findings

    def rules(self) -> set[str]:
        """The ids of the rules broken."""
        return {finding.rule for finding in self.findings}


def _cache_root() -> Path:
    configured = os.environ.get("VIBECODE_CACHE_DIR")
    return Path(configured) if configured else Path.home() / ".cache" / "vibecode"


def review(root: Path, *, skip: frozenset[str] = frozenset()) -> Review:
    """Review the project at `root`; rules in `skip` are not reported (the course's early steps)."""
    from vibecode.review import app_rules, source_rules, tools

    started = time.monotonic()
    project = Project.at(root)
    unknown = skip - RULES.keys()
    if unknown:
        raise ValueError(f"unknown rules: {sorted(unknown)}")
    found: list[Finding] = []
    with tempfile.TemporaryDirectory(prefix="vibecode-review-") as folder:
        scratch = Path(folder)
        probe, probe_out = tools.start_probe(project, scratch)
        started_tools = [
            tool
            for tool in (
                probe,
                tools.start_ruff(project),
                tools.start_mypy(project, _cache_root(), scratch),
                tools.start_alembic_check(project, scratch),
            )
            if tool is not None
        ]
        # The AST rules run meanwhile, in this process.
        found += source_rules.source_findings(project)
        for tool in started_tools:
            found += tool.findings()
        if probe_out.is_file():
            facts = json.loads(probe_out.read_text(encoding="utf-8"))
            for part, error in facts.get("errors", {}).items():
                found.append(Finding("VC901", "app", 0, f"{part}: {error}"))
            found += app_rules.table_findings(project, facts.get("tables", []))
            document = facts.get("openapi") or {}
            routes = facts.get("routes", [])
            found += app_rules.openapi_findings(project, document, routes)
            if project.tests_dir.is_dir():
                found += app_rules.test_findings(project, routes, document)
    kept = sorted(
        {f for f in found if f.rule not in skip}, key=lambda f: (f.path, f.line, f.rule, f.detail)
    )
    return Review(project.root, tuple(kept), time.monotonic() - started, frozenset(skip))
