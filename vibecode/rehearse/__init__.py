"""Play the whole talk unattended in a temporary workspace and report step by step."""
