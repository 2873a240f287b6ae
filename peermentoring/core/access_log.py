"""gunicorn's access log, named by gunicorn.conf.py's `logger_class`.

Each line's path loses its query string and a secret link's token (`privacy.loggable_path`);
the whole request line, referrer, headers and environment are not offered to the format at
all (they hold the raw address, cookies and the browser). On an address where a pupil may
report anonymously (`privacy.is_anonymous_path`) the line names no address, user or browser.
A reverse proxy in front of gunicorn keeps its own logs: see the README's deployment notes.
"""

from __future__ import annotations

from typing import Any

from gunicorn.glogging import Logger  # type: ignore[import-untyped]

from peermentoring.core.privacy import is_anonymous_path, loggable_path


class PrivateAccessLog(Logger):
    def atoms(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> Any:
        atoms = super().atoms(resp, req, environ, request_time)
        path = environ.get("PATH_INFO") or ""
        kept = {key: value for key, value in atoms.items() if not key.startswith("{")}
        kept["U"] = loggable_path(path)
        kept["r"] = (
            f"{kept.get('m')} {loggable_path(environ.get('RAW_URI') or path)} {kept.get('H')}"
        )
        kept["q"] = "-"
        kept["f"] = "-"
        if is_anonymous_path(path):
            kept.update(h="-", u="-", a="-")
        return kept
