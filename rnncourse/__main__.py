"""``python -m rnncourse COMMAND``: see ``rnncourse.cli`` or ``python -m rnncourse --help``."""

import sys

from rnncourse.cli import main

if __name__ == "__main__":
    sys.exit(main())
