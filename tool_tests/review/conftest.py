"""The fixture project is data for the review, not tests of ours."""

collect_ignore = ["fixture"]
