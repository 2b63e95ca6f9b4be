"""Finding a Chromium (and an ffmpeg for videos) and launching it the same way everywhere (CI, containers,
laptops), and posting a page's form with a browser context's cookies (fast sign-in for Given steps)."""

from __future__ import annotations

import json
import os
import shutil
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin

CHROMIUM_ENV = "MCA_SANDBOX_CHROMIUM"
CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "chromium", "chromium-browser", "google-chrome")
# Chromium's headless shell (Debian's `chromium-headless-shell`; what Playwright itself runs headless): no
# browser UI, so a new page costs it about a third of what it costs the full browser (measured: 40 against
# 136 ms, and closing a context 12 against 55 ms). It cannot show a window: headed runs use the full one.
HEADLESS_CANDIDATES = ("/usr/bin/chromium-headless-shell", "chromium-headless-shell")
QUIET_ARGS = ("--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-gpu")


def find_chromium(*, headless: bool = True) -> str | None:
    """The Chromium to drive: ``$MCA_SANDBOX_CHROMIUM``, else a system one (its headless shell first when
    ``headless``); None means Playwright's own."""
    chosen = os.environ.get(CHROMIUM_ENV)
    if chosen:
        return chosen
    for candidate in (*HEADLESS_CANDIDATES, *CANDIDATES) if headless else CANDIDATES:
        found = shutil.which(candidate)
        if found:
            return found
    return None


def launch_args() -> list[str]:
    """Quiet flags (no network chatter, no GPU); ``--no-sandbox`` only when running as root."""
    args = list(QUIET_ARGS)
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        args.insert(0, "--no-sandbox")
    return args


def playwright_ffmpeg_path() -> Path:
    """Where Playwright looks for the ffmpeg it records videos with (``playwright install ffmpeg`` puts it there)."""
    import playwright

    package = Path(playwright.__file__).parent / "driver" / "package"
    revision = next(b["revision"] for b in json.loads((package / "browsers.json").read_text())["browsers"]
                    if b["name"] == "ffmpeg")
    registry = os.environ.get("PLAYWRIGHT_BROWSERS_PATH")
    if not registry or registry == "0":
        if sys.platform == "win32":
            registry = Path(os.environ.get("LOCALAPPDATA", Path.home())) / "ms-playwright"
        elif sys.platform == "darwin":
            registry = Path.home() / "Library" / "Caches" / "ms-playwright"
        else:
            registry = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "ms-playwright"
        if os.environ.get("PLAYWRIGHT_BROWSERS_PATH") == "0":
            registry = package.parent.parent / ".local-browsers"
    name = {"win32": "ffmpeg-win64.exe", "darwin": "ffmpeg-mac"}.get(sys.platform, "ffmpeg-linux")
    return Path(registry) / f"ffmpeg-{revision}" / name


def ensure_ffmpeg() -> str | None:
    """An ffmpeg for Playwright's videos: its own build when installed, else the system's (Debian's ``ffmpeg``,
    with VP9), linked where Playwright looks, as the system's Chromium stands in for Playwright's download.
    Answers the path, or None when there is no ffmpeg at all (then recording a video fails)."""
    expected = playwright_ffmpeg_path()
    if expected.exists():
        return str(expected)
    system = os.environ.get("MCA_SANDBOX_FFMPEG") or shutil.which("ffmpeg")
    if not system:
        return None
    expected.parent.mkdir(parents=True, exist_ok=True)
    try:
        expected.symlink_to(system)
    except FileExistsError:  # another worker linked it first
        pass
    except OSError:  # no symlinks (Windows without the privilege): a copy does as well
        shutil.copy2(system, expected)
    return str(expected)


class _FormReader(HTMLParser):
    """The forms of a page: action, method, fields with their values, and which label names which field."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self.labels: dict[str, str] = {}  # field id -> label text
        self._label_for: str | None = None
        self._label_text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            self.forms.append({"action": attributes.get("action") or "", "method": (attributes.get("method") or "get").lower(),
                               "fields": [], "ids": {}})
        elif tag in ("input", "textarea", "select") and self.forms and attributes.get("name"):
            kind = (attributes.get("type") or "text").lower()
            if kind in ("submit", "button", "image") or (kind in ("checkbox", "radio") and "checked" not in attributes):
                return
            form = self.forms[-1]
            form["fields"].append([attributes["name"], attributes.get("value") or ""])
            if attributes.get("id"):
                form["ids"][attributes["id"]] = len(form["fields"]) - 1
        elif tag == "label":
            self._label_for, self._label_text = attributes.get("for"), []

    def handle_data(self, data):
        if self._label_for is not None:
            self._label_text.append(data)

    def handle_endtag(self, tag):
        if tag == "label" and self._label_for is not None:
            self.labels[self._label_for] = " ".join("".join(self._label_text).split())
            self._label_for = None


def submit_form_over_http(context, url: str, values_by_label: dict[str, str]):
    """Fill the page's form by its labels and post it with the context's own cookies, without rendering.

    For arranging state fast (a Given step's sign-in): the browser context ends up with the same session
    cookie as if the user had typed the values and pressed the form's button. Answers the final response.
    """
    page = context.request.get(url)
    reader = _FormReader()
    reader.feed(page.text())
    for form in reader.forms:
        wanted = {field_id: label for field_id, label in reader.labels.items() if field_id in form["ids"]}
        if set(values_by_label) <= set(wanted.values()):
            fields = [list(field) for field in form["fields"]]
            for field_id, label in wanted.items():
                if label in values_by_label:
                    fields[form["ids"][field_id]][1] = values_by_label[label]
            target = urljoin(page.url, form["action"] or page.url)
            # the Referer a browser sends: over HTTPS the sandbox refuses a form post without a same-origin one
            return context.request.fetch(target, method=form["method"].upper(), form=dict(fields),
                                         headers={"Referer": page.url})
    raise AssertionError(f"No form on {url} has the fields {sorted(values_by_label)}")
