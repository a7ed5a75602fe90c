"""gunicorn settings for Qyzmet behind nginx (`gunicorn --config deploy/gunicorn.conf.py`).

Run from the repository root (systemd's WorkingDirectory), with the variables of
deploy/env.example in the environment. Command-line options override these, which is how the
test suite puts a server on a free port.
"""

import multiprocessing
import os

# The app with the client's address taken from nginx's X-Forwarded-For (see deploy/wsgi.py).
wsgi_app = "deploy.wsgi:app"

# Only nginx on the same host talks to gunicorn: a client that could reach it directly could
# also forge X-Forwarded-For and escape the rate limits.
bind = os.environ.get("QYZMET_BIND", "127.0.0.1:8000")

# Each worker is a separate process with its own database pool; rate limits are shared between
# them (and between servers) only through Redis (REDIS_URL).
workers = int(os.environ.get("WEB_CONCURRENCY", min(2 * multiprocessing.cpu_count() + 1, 8)))
# Threads let a worker wait on the database or SMTP for one request while serving another.
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))

# nginx buffers uploads (up to 5 x 10 MB) before passing them on, so a request reaches us whole
# and 60 s is generous; a filing commits in one short transaction.
timeout = 60
graceful_timeout = 30
keepalive = 5

# The app is not preloaded: each worker opens its own database connections after the fork,
# never sharing a connection inherited from the master.
preload_app = False

# X-Forwarded-Proto from nginx is believed only from nginx's address.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

# Logs go to stdout/stderr, which systemd keeps in the journal. The client address is the one
# nginx forwarded; %(p)s is the worker's pid. The path without its query string (%(U)s, not
# the request line %(r)s): the staff queue's search puts applicants' names in the query, and
# the journal keeps what it is given for as long as it keeps anything.
accesslog = "-"
errorlog = "-"
loglevel = "info"
access_log_format = '%({x-forwarded-for}i)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms %(p)s'

# gunicorn 25+ opens a control socket under the user's home for `gunicornc`; systemd's signals
# (reload, stop) do the same job, and two servers on one host would compete for the path.
control_socket_disable = True
