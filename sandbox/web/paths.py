"""Case-insensitive paths, as the real services match them (``/v1/Customers``, ``/Adminportal/Home``).

The middleware rewrites each literal path segment to the spelling its route uses; ids and other
variable segments are left exactly as sent (the template id, for one, is case-sensitive).
"""

from __future__ import annotations

import re

from flask import Flask

_VARIABLE = re.compile(r"<[^>]+>")


class CaseInsensitivePaths:
    def __init__(self, wsgi_app, app: Flask):
        self.wsgi_app = wsgi_app
        self.app = app
        self._literals: dict[str, str] | None = None

    def literals(self) -> dict[str, str]:
        if self._literals is None:
            table: dict[str, str] = {}
            for rule in self.app.url_map.iter_rules():
                for segment in rule.rule.split("/"):
                    if segment and not _VARIABLE.search(segment):
                        table.setdefault(segment.lower(), segment)
            self._literals = table
        return self._literals

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if path:
            literals = self.literals()
            segments = path.split("/")
            fixed = [literals.get(s.lower(), s) if s.lower() in literals else s for s in segments]
            environ["PATH_INFO"] = "/".join(fixed)
        return self.wsgi_app(environ, start_response)


def init_case_insensitive_paths(app: Flask) -> None:
    app.wsgi_app = CaseInsensitivePaths(app.wsgi_app, app)
