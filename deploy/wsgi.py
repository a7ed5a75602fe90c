"""The application as gunicorn serves it behind nginx.

Behind a reverse proxy every request reaches gunicorn from the proxy's own address, so the rate
limits keyed by address (filing, tracking, staff sign-in) would count all citizens together.
ProxyFix takes the client's address and scheme from the headers nginx sets, trusting exactly
QYZMET_PROXY_HOPS proxies (nginx alone: 1) and ignoring whatever a client puts before them.
"""

from __future__ import annotations

import gc
import os

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from qyzmet import create_app
from qyzmet.warmup import warm_up


def behind_proxies(app: Flask, hops: int) -> Flask:
    """Trust X-Forwarded-For and X-Forwarded-Proto from `hops` proxies; 0 trusts none."""
    if hops > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]
    return app


app = behind_proxies(create_app(), int(os.environ.get("QYZMET_PROXY_HOPS", "1")))
warm_up(app)
# What exists now (modules, templates, the app) lives as long as the worker. Frozen, the cyclic
# collector stops walking it at every full collection: measured in one process, such a pause
# fell from 74 to 30 ms, and the collector's CPU per filing from 0.57 to 0.32 ms.
gc.freeze()
