"""Writing a course: new, record, edit/save, absorb, import. Every command ends in one save."""
