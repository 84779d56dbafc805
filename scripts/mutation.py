"""Mutation testing of the reference app: `make mutation`.

Runs mutmut over app/ (configured in pyproject.toml, [tool.mutmut]) against the app's suite,
then prints the score and checks the survivors against docs/mutation-survivors.md, where every
mutant the suite lets live is listed with why it is equivalent (no test could tell it from the
original). Fails when the score is under 90% or a survivor is missing from that file.

    .venv/bin/python scripts/mutation.py            # run, then report
    .venv/bin/python scripts/mutation.py --report   # report on the last run only
    .venv/bin/python scripts/mutation.py "app.core.logging*"   # only these mutants, then report

Names or patterns re-run only those mutants (quick, after changing one module); the score is
then over every mutant's latest result, so run the whole set once at the end. The machine may
be shared: run it under `nice -n 10`.
"""

# ruff: noqa: T201 - a script that reports to its terminal

import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MUTMUT = ROOT / ".venv" / "bin" / "mutmut"
SURVIVORS = ROOT / "docs" / "mutation-survivors.md"
TARGET = 0.90


def results() -> dict[str, str]:
    """Every mutant's name and status from the last run (`mutmut results --all true`)."""
    out = subprocess.run(
        [str(MUTMUT), "results", "--all", "true"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    found = re.findall(r"^\s*(\S+__mutmut_\d+): (.+?)\s*$", out, flags=re.M)
    return dict(found)


def main() -> int:
    """Run mutmut unless --report, then print the score and check the survivors file."""
    arguments = sys.argv[1:]
    if "--report" not in arguments:
        subprocess.run([str(MUTMUT), "run", *arguments], cwd=ROOT, check=False)
    statuses = results()
    counts = Counter(statuses.values())
    survived = sorted(name for name, status in statuses.items() if status == "survived")
    tested = sum(n for status, n in counts.items() if status not in ("skipped", "not checked"))
    killed = tested - len(survived) - counts.get("no tests", 0)
    score = killed / tested if tested else 0.0
    print(f"mutants: {dict(counts)}")
    print(f"score: {killed}/{tested} killed = {score:.1%} (target {TARGET:.0%})")
    listed = set(re.findall(r"`(\S+__mutmut_\d+)`", SURVIVORS.read_text()))
    unexplained = [name for name in survived if name not in listed]
    for name in unexplained:
        print(f"survivor not in {SURVIVORS.relative_to(ROOT)}: {name} (mutmut show {name})")
    return 0 if score >= TARGET and not unexplained else 1


if __name__ == "__main__":
    sys.exit(main())
