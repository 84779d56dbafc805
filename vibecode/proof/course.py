"""What holds for a course as a whole: its history is canonical, its last step is its reference."""

from __future__ import annotations

from vibecode.course.manifest import Course


def course_problems(course: Course) -> list[str]:
    """Problems of the course as a whole (none: it holds together)."""
    from vibecode.authoring.writer import checkpoints, reference_files, reference_view
    from vibecode.course.source.weave import dumps, encode_versions
    from vibecode.proof.review import review_from_problems

    problems: list[str] = review_from_problems(course)
    versions = checkpoints(course)
    if course.source is not None and dumps(encode_versions(versions)) != course.source.data:
        problems.append(
            f"{course.source.file} was edited by hand: `vibecode course edit N` / `save` "
            "write it (its checkpoints still build; a save rewrites it in canonical form)"
        )
    if course.info.reference is not None:
        reference = reference_files(course)
        last = reference_view(course, versions[-1])
        differing = sorted(
            p for p in reference.keys() | last.keys() if reference.get(p) != last.get(p)
        )
        if differing:
            shown = ", ".join(differing[:5]) + (
                f" and {len(differing) - 5} more" if len(differing) > 5 else ""
            )
            problems.append(
                f"the last step differs from the reference in {course.info.reference}: {shown} "
                "(`vibecode course absorb` takes the reference's edits into the steps)"
            )
    return problems
