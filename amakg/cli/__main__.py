"""`python -m amakg.cli`: the same as the `amakg` command."""

import sys

from .boundary import main

sys.exit(main())
