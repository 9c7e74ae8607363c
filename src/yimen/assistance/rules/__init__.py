"""Eligibility and benefit rules (policy.md §1–3) as pure functions of a household's facts
and the dated parameters in force, each result carrying its reasons."""
