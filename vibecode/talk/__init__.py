"""The talk both views share: its clock, the cues one view sends the other, what the room sees."""
