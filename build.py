#!/usr/bin/env python3
"""Build concept notes: ``python build.py --help``."""

import sys

if __name__ == "__main__":
    try:
        from conceptnotes.console import main
    except KeyboardInterrupt:  # Ctrl-C while the modules load: nothing was started
        print("interrupted: the previous outputs are unchanged", file=sys.stderr)
        sys.exit(130)
    sys.exit(main())
