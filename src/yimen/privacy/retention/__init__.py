"""Retention: dated rules per category (rules.py), what each category finds and erases
(categories.py) and the run that lists and then erases, audited (run.py)."""
