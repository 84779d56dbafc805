"""Fire a step's demo requests against the running server and print them."""
