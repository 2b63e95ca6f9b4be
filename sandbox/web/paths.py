"""Case-insensitive paths, as the real services match them (``/v1/Customers``, ``/Adminportal/Home``).

The middleware walks the request path through a tree of the app's routes and rewrites each literal
segment to the spelling its route uses; ids and other variable segments are left exactly as sent (the
template id, for one, is case-sensitive). Two routes may spell the same word differently at different
places (``/dashboard/home`` and ``/AdminPortal/Home``): the tree keeps them apart.
"""

from __future__ import annotations

import re

from flask import Flask

API_PREFIX = "/v1"
_VARIABLE = re.compile(r"<[^>]+>")
_ANY = "<*>"


def is_api_path(path: str) -> bool:
    """Whether a (canonical) path is the REST API's: ``/v1`` and below."""
    return path == API_PREFIX or path.startswith(API_PREFIX + "/")


def _route_tree(app: Flask) -> dict:
    tree: dict = {}
    for rule in app.url_map.iter_rules():
        node = tree
        for segment in rule.rule.strip("/").split("/"):
            if _VARIABLE.search(segment):
                node = node.setdefault(_ANY, {})
            else:
                node = node.setdefault(segment.lower(), {"": segment})
    return tree


def canonical_path(tree: dict, path: str) -> str:
    segments = path.split("/")
    node: dict | None = tree
    fixed = []
    for segment in segments:
        if not segment or node is None:
            fixed.append(segment)
            continue
        # a segment spelled like the variable marker itself ("<*>") is a value, never a literal
        child = node.get(segment.lower()) if segment != _ANY else None
        if child is not None:
            fixed.append(child[""])
            node = child
        else:
            fixed.append(segment)
            node = node.get(_ANY)
    return "/".join(fixed)


class CaseInsensitivePaths:
    def __init__(self, wsgi_app, app: Flask):
        self.wsgi_app = wsgi_app
        self.app = app
        self._tree: dict | None = None
        self._seen: dict[str, str] = {}  # path -> its canonical spelling (clients repeat their paths)

    def __call__(self, environ, start_response):
        if self._tree is None:
            self._tree = _route_tree(self.app)
        path = environ.get("PATH_INFO", "")
        if path:
            fixed = self._seen.get(path)
            if fixed is None:
                fixed = canonical_path(self._tree, path)
                if len(self._seen) >= 4096:
                    self._seen.clear()
                self._seen[path] = fixed
            environ["PATH_INFO"] = fixed
        return self.wsgi_app(environ, start_response)


def init_case_insensitive_paths(app: Flask) -> None:
    app.wsgi_app = CaseInsensitivePaths(app.wsgi_app, app)
