"""The proof of a course (`vibecode course check`): every checkpoint is a working program."""
