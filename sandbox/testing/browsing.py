"""The browser half of the plugin, on top of pytest-playwright (registered by :mod:`.plugin` after it, so
that these fixtures override its own).

- ``browser_type_launch_args``: pytest-playwright's (``--headed``, ``--slowmo``, ``--browser-channel``)
  plus, for Chromium, the system's Chromium (``MCA_SANDBOX_CHROMIUM``, else Debian's
  ``/usr/bin/chromium-headless-shell`` for headless runs, else ``/usr/bin/chromium``, see :mod:`.browser`)
  and its quiet flags;
- ``new_context`` (and so ``context`` and ``page``): for a test that drives the sandbox (it asks for
  ``sandbox``, itself or through another fixture), contexts open at the sandbox's URL (``base_url``), in
  ``locale`` en-US and ``timezone_id`` UTC; any other Playwright test in the environment keeps
  pytest-playwright's ``browser_context_args`` (its ``--base-url``) and starts no sandbox. It is the one
  place where screenshots, Playwright traces and videos are recorded and kept, as ``--screenshot``,
  ``--tracing`` and ``--video`` ask: a trace is
  written only when it is kept and a screenshot is taken only when kept, which makes
  ``--tracing=retain-on-failure --screenshot=only-on-failure`` nearly free for passing tests;
- ``partner_context``/``partner_page`` and ``customer_context``/``customer_page``: two people in two
  browser contexts (their own cookies), whose evidence is named ``partner*`` and ``customer*``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from . import evidence
from .browser import find_chromium, launch_args
from .plugin import failed_before_teardown

NAVIGATION_TIMEOUT_MS = 15_000


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args, browser_name):
    """pytest-playwright's launch options, with the system's Chromium and its flags."""
    options = dict(browser_type_launch_args)
    if browser_name == "chromium":
        if "channel" not in options and "executable_path" not in options:
            executable = find_chromium(headless=options.get("headless", True))
            if executable:
                options["executable_path"] = executable
        options["args"] = [*launch_args(), *options.get("args", [])]
    return options


@pytest.fixture(scope="session", autouse=True)
def delete_output_dir():
    """Replaces pytest-playwright's: ``--output`` is emptied once per run by the plugin's session start."""


@pytest.fixture
def new_context(browser, browser_context_args, request, pytestconfig):
    """Make browser contexts for this test: ``new_context(name="partner", **options)``.

    Each is traced, screenshotted and filmed as the options ask, and closed at the end of the test.
    """
    from playwright.sync_api import expect

    timeout = int(pytestconfig.getini("sandbox_action_timeout"))
    expect.set_options(timeout=timeout)
    marker = next(request.node.iter_markers("browser_context_args"), None)
    # a test that drives the sandbox gets its contexts pointed at it (in English, on UTC); any other Playwright
    # test of the environment keeps pytest-playwright's own options, its --base-url among them
    base = _sandbox_options(request, browser_context_args) if "sandbox" in request.fixturenames else browser_context_args
    defaults = {**base, **(marker.kwargs if marker else {})}
    recorder = _Recorder(request.node)

    def make(name: str | None = None, **options):
        context = browser.new_context(**{**defaults, **options})
        context.set_default_timeout(timeout)
        context.set_default_navigation_timeout(NAVIGATION_TIMEOUT_MS)
        recorder.started(context, name or f"context-{len(recorder.names) + 1}")
        return context

    yield make
    recorder.finish_all(failed_before_teardown(request.node))


def _sandbox_options(request, browser_context_args: dict) -> dict:
    return {"locale": "en-US", "timezone_id": "UTC", **browser_context_args,
            "base_url": request.getfixturevalue("sandbox").url}


class _Recorder:
    """One test's browser contexts and what to keep of them: traces, screenshots, videos."""

    def __init__(self, item):
        self.item = item
        option = item.config.getoption
        self.tracing, self.screenshot, self.video = option("--tracing"), option("--screenshot"), option("--video")
        self.full_page = option("--full-page-screenshot")
        self.names: dict[object, str] = {}
        self.closers: dict[object, object] = {}  # each context's own close()
        self.open: list = []
        self.pending: list[tuple[str, Path]] = []  # kept by contexts the test closed itself, outcome unknown

    def started(self, context, name: str) -> None:
        self.names[context] = name
        self.open.append(context)
        if self.tracing != "off":
            # DOM snapshots make the trace viewer's before/after views; the screencast filmstrip costs a
            # JPEG per frame for every test, so it is recorded only when every trace is kept (--tracing=on).
            # A failure keeps its own screenshot (--screenshot) beside the trace.
            context.tracing.start(title=f"{self.item.nodeid} ({name})", screenshots=self.tracing == "on",
                                  snapshots=True)
        close = context.close

        def close_early(*args, **kwargs):  # the test closes it: keep what a failure would need
            if context in self.open:
                self._finish(context, None)
            return close(*args, **kwargs)

        self.closers[context] = close
        context.close = close_early

    def finish_all(self, failed: bool) -> None:
        for context in list(self.open):
            self._finish(context, failed)
        for kind, path in self.pending:
            if failed or getattr(self, kind) == "on":
                evidence.keep(self.item, _EVIDENCE[kind], path)
            else:
                path.unlink(missing_ok=True)

    def _wanted(self, kind: str, failed: bool | None) -> bool:
        setting = getattr(self, kind)
        return setting == "on" or (setting in ("retain-on-failure", "only-on-failure") and failed is not False)

    def _finish(self, context, failed: bool | None) -> None:
        self.open.remove(context)
        name = self.names[context]
        folder = evidence.output_folder(self.item)
        kept: list[tuple[str, Path]] = []
        pages = list(context.pages)
        if self._wanted("screenshot", failed):
            for number, page in enumerate(pages):
                path = folder / f"{name}{f'-{number + 1}' if number else ''}.png"
                try:
                    page.screenshot(path=path, full_page=self.full_page, timeout=5_000)
                    kept.append(("screenshot", path))
                except Exception as exc:  # a closed or crashed page must not hide the real failure
                    folder.mkdir(parents=True, exist_ok=True)
                    path.with_suffix(".error.txt").write_text(str(exc))
        if self.tracing != "off":
            path = folder / f"{name}-trace.zip"
            keep_trace = self._wanted("tracing", failed)
            try:
                context.tracing.stop(path=path if keep_trace else None)
                if keep_trace:
                    kept.append(("tracing", path))
            except Exception as exc:  # a browser already gone (the run was interrupted) must not hide the failure
                if keep_trace:
                    folder.mkdir(parents=True, exist_ok=True)
                    path.with_suffix(".error.txt").write_text(str(exc))
        for page in pages:  # pages first: a context closed with its pages open cost Chromium ~0.8 s of CPU
            if not page.is_closed():  # afterwards (measured), closed page by page about 0.1 s
                page.close()
        self.closers.pop(context)()
        if self.video != "off":
            for number, page in enumerate(pages):
                if page.video is None:
                    continue
                path = folder / f"{name}{f'-{number + 1}' if number else ''}.webm"
                if self._wanted("video", failed):
                    page.video.save_as(path)
                    kept.append(("video", path))
                page.video.delete()
        for kind, path in kept:
            if failed is None:
                self.pending.append((kind, path))
            else:
                evidence.keep(self.item, _EVIDENCE[kind], path)


_EVIDENCE = {"screenshot": "screenshot", "tracing": "trace", "video": "video"}  # option -> evidence kind


# --- two people, two browsers ---------------------------------------------------------------------


@pytest.fixture
def partner_context(new_context, sandbox):
    """The partner's browser: its own cookies, and the clipboard readable (Copy to clipboard)."""
    context = new_context(name="partner")
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=sandbox.url)
    return context


@pytest.fixture
def partner_dialogs(partner_context) -> list[str]:
    """Every JavaScript dialog the partner's pages opened (there should be none)."""
    return []


@pytest.fixture
def partner_page(partner_context, partner_dialogs):
    page = partner_context.new_page()

    def record(dialog):
        partner_dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", record)
    return page


@pytest.fixture
def customer_context(new_context, sandbox):
    """The customer's browser: a separate context, as on another machine."""
    return new_context(name="customer")


@pytest.fixture
def customer_page(customer_context):
    return customer_context.new_page()
