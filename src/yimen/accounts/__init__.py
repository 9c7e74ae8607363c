"""Users, role bindings to a division, permissions as data, and scoping."""
