"""gunicorn's settings, read from the directory it starts in (`gunicorn peermentoring.wsgi`).

The access log (off unless `--access-logfile` is given) writes each request's path without its
query string, and leaves out the referrer (the previous page's whole address): a search box's
`?q=` can hold a pupil's name (peermentoring/core/privacy.py). Otherwise gunicorn's usual
fields: address, time, request line, status, size, and the time taken in seconds. Its logger
(core/access_log.py) writes a secret link's token as "[token]", and no address on the page
where a pupil may report bullying anonymously.
"""

logger_class = "peermentoring.core.access_log.PrivateAccessLog"
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(L)s'

# A worker may take this long over one request before gunicorn restarts it. Building the
# drop-in rota solves in the request for up to 20 seconds (dropin/rota.py's time limit),
# after loading the term's openings: gunicorn's default of 30 seconds is too close.
timeout = 60
