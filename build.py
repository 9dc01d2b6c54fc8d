#!/usr/bin/env python3
"""Build concept notes: ``python build.py --help``."""

import sys

from conceptnotes.cli import main

if __name__ == "__main__":
    sys.exit(main())
