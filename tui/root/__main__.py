"""`python -m ml101`: the same as the `ml101` command."""

import sys

from ml101.tui.cli import main

sys.exit(main())
