"""Yimen (一门): one-door public services for a Chinese city."""
