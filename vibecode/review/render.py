"""A review as a linter prints it, or as JSON."""

from __future__ import annotations

import json

from vibecode.review.runner import Review


def as_text(result: Review) -> list[str]:
    """`path:line: RULE message` then `  fix: ...`, and a closing count."""
    lines = []
    for finding in result.findings:
        lines.append(f"{finding.path}:{finding.line}: {finding.rule} {finding.message}")
        lines.append(f"    fix: {finding.fix}")
    count = len(result.findings)
    if count:
        rules = len(result.rules())
        lines.append(
            f"{count} problem{'s' if count != 1 else ''} ({rules} rule{'s' if rules != 1 else ''})"
        )
    else:
        lines.append("review: every rule holds")
    if result.skipped:
        lines.append(f"not yet taught at this step: {', '.join(sorted(result.skipped))} (--all)")
    return lines


def as_json(result: Review) -> str:
    """The findings as one JSON document (`vibecode review --json`)."""
    return json.dumps(
        {
            "root": str(result.root),
            "ok": result.ok,
            "findings": [finding.as_dict() for finding in result.findings],
            "skipped": sorted(result.skipped),
            "seconds": round(result.seconds, 2),
        },
        indent=2,
    )
