"""Models of medins."""
