"""The authoring tests' fixtures: `legacy/` is a course on disk (its test file is not ours)."""

collect_ignore = ["legacy"]
