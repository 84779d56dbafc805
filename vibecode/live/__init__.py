"""Live coding: a step typed into the workspace on stage, hunk by hunk (`vibecode type`)."""
