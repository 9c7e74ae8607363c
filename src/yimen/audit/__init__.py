"""Append-only, hash-chained event log; the named signers of decisions."""
