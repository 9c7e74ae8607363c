"""Pure settlement rules: catalog classification, the dated policy record and the split.

Nothing here touches the database; the services feed plain data in and store what comes out,
so every settlement can be recomputed and explained from its inputs.
"""
