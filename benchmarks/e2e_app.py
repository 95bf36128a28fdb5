"""The applications gunicorn serves in the end-to-end run: ``bare`` and ``wrapped``."""

from __future__ import annotations

from wsgi_cors import CORSMiddleware

from .contenders import bare_wsgi
from .scenarios import THREE

bare = bare_wsgi
wrapped = CORSMiddleware(bare_wsgi, origins=list(THREE))
