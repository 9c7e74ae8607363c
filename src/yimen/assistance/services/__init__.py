"""Use cases of social assistance, one module per stage of the case."""
