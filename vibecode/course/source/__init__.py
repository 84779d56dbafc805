"""A course's content, every line written once: the line history (`course.weave`) and its codec."""
