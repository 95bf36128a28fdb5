"""``python -m playground``: see :mod:`playground.serve`."""

from playground.serve import main

raise SystemExit(main())
