"""gunicorn configuration: `gunicorn -c python:skeleton.gunicorn_conf`.

All values come from the GUNICORN_* environment variables (see skeleton.env).
"""

from skeleton.env import read_gunicorn_config

_config = read_gunicorn_config()

wsgi_app = "skeleton.wsgi:application"
bind = [_config.bind]
workers = _config.workers
threads = _config.threads
timeout = _config.timeout
graceful_timeout = _config.graceful_timeout
# Sync workers serve one request per connection whatever this says; behind nginx (a unix
# socket, one request each) it has no effect, so gunicorn's default stays.
keepalive = 5
# Recycle workers now and then, so that a slow leak never grows large. Not often: a new
# worker imports the app again (~0.75 s of CPU here), which after every 2,000 requests
# cost a fifth of the throughput of a cheap page; the wide jitter keeps workers started
# together from recycling together.
max_requests = 20000
max_requests_jitter = 10000
# Behind the local proxy: trust its X-Forwarded-* headers only from these addresses.
forwarded_allow_ips = _config.forwarded_allow_ips
# Not preloaded: each worker imports the code, so a HUP to the master reloads new code.
preload_app = False
# The heartbeat file lives in RAM, not on a possibly slow disk.
worker_tmp_dir = "/dev/shm"  # noqa: S108 -- gunicorn's documented tmpfs for worker heartbeats
accesslog = _config.access_log
errorlog = "-"
# Combined log format plus the forwarded client address and the request time in seconds.
access_log_format = (
    '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" '
    'forwarded_for="%({x-forwarded-for}i)s" request_time=%(L)s'
)
