"""Use cases of settlement: filing, settling and cancelling, and the look-ups they share."""
