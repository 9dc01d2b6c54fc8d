"""The installed console command ``conceptnotes`` (``pyproject.toml``): what ``build.py`` does.

Kept apart from :mod:`conceptnotes.cli` so that, as ``build.py`` does, a Ctrl-C while the
modules load says that nothing was started instead of showing a traceback.
"""

import sys


def main() -> int:
    try:
        from conceptnotes.cli import main as run
    except KeyboardInterrupt:  # Ctrl-C while the modules load: nothing was started
        print("interrupted: the previous outputs are unchanged", file=sys.stderr)
        return 130
    return run()
