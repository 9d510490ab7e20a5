"""``python -m authorize_local.openapi [--check]``: write docs/openapi.json, or check it is current."""

import sys

from .document import main

sys.exit(main())
