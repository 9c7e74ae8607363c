"""Cross-region direct settlement."""
