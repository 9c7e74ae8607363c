"""Medical insurance."""
