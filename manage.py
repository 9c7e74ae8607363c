#!/usr/bin/env python
"""Django's manage.py; the installed `yimen` command does the same."""
from yimen.cli import main

if __name__ == "__main__":
    main()
