"""pytest fixtures and hooks: one live sandbox and one Chromium per run (per xdist worker), and a fresh
browser context per scenario, traced, with a screenshot and a trace kept only when the scenario fails.

Import everything from here into a ``conftest.py`` (``from sandbox.testing.fixtures import *``).
Settings (environment):

- ``MCA_SANDBOX_URL``: drive an already running sandbox instead of starting one in-process;
- ``MCA_SANDBOX_CONTROL_KEY``: its control API key, if it has one;
- ``MCA_SANDBOX_TRACE``: ``on-failure`` (default: trace every scenario with screenshots and DOM snapshots,
  write the trace only on failure), ``snapshots`` (the same without the screencast) or ``off``;
- ``MCA_SANDBOX_RESULTS``: where failure artifacts go (default ``test-results`` under the rootdir);
- ``MCA_SANDBOX_CHROMIUM``, ``MCA_SANDBOX_HEADED``: see :mod:`sandbox.testing.browser`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from .browser import launch_chromium
from .control import ControlClient
from .server import LiveServer

ACTION_TIMEOUT_MS = 5_000
NAVIGATION_TIMEOUT_MS = 15_000

__all__ = [
    "control",
    "customer_context",
    "customer_page",
    "partner_context",
    "partner_dialogs",
    "partner_page",
    "playwright_driver",
    "pytest_runtest_makereport",
    "sandbox_browser",
    "sandbox_url",
]


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the item, so fixtures can tell at teardown whether the test failed."""
    report = yield
    setattr(item, f"sandbox_report_{report.when}", report)
    return report


def _failed(node) -> bool:
    return any(getattr(getattr(node, f"sandbox_report_{when}", None), "failed", False) for when in ("setup", "call"))


def _results_dir(request) -> Path:
    root = Path(os.environ.get("MCA_SANDBOX_RESULTS") or request.config.rootpath / "test-results")
    name = re.sub(r"[^\w.-]+", "-", request.node.name).strip("-")[:120] or "scenario"
    return root / name


# --- One sandbox and one browser per run ---------------------------------------------------


@pytest.fixture(scope="session")
def sandbox_url() -> Iterator[str]:
    """The sandbox's base URL: an external one (``MCA_SANDBOX_URL``) or a live server started here."""
    external = os.environ.get("MCA_SANDBOX_URL")
    if external:
        yield external.rstrip("/")
        return
    with LiveServer() as server:
        yield server.url


@pytest.fixture(scope="session")
def control(sandbox_url) -> ControlClient:
    """The control API client (tenants, clocks, seeded customers)."""
    return ControlClient(sandbox_url, key=os.environ.get("MCA_SANDBOX_CONTROL_KEY", ""),
                         delete_tenants_after_use=bool(os.environ.get("MCA_SANDBOX_URL")))


@pytest.fixture(scope="session")
def playwright_driver():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def sandbox_browser(playwright_driver):
    """One Chromium for the whole run; every scenario gets its own contexts in it."""
    browser = launch_chromium(playwright_driver)
    yield browser
    browser.close()


# --- A fresh context per person and scenario ----------------------------------------------


def _context(request, browser, base_url: str, who: str, **options):
    from playwright.sync_api import expect

    expect.set_options(timeout=ACTION_TIMEOUT_MS)
    context = browser.new_context(base_url=base_url, locale="en-US", timezone_id="UTC", **options)
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    context.set_default_navigation_timeout(NAVIGATION_TIMEOUT_MS)
    mode = os.environ.get("MCA_SANDBOX_TRACE", "on-failure")
    tracing = mode != "off"
    if tracing:
        context.tracing.start(title=f"{request.node.name} ({who})", screenshots=mode != "snapshots", snapshots=True)
    yield context
    failed = _failed(request.node)
    folder = _results_dir(request)
    if failed:
        folder.mkdir(parents=True, exist_ok=True)
        for number, page in enumerate(context.pages):
            suffix = f"-{number + 1}" if number else ""
            try:
                page.screenshot(path=folder / f"{who}{suffix}.png", full_page=True)
            except Exception as exc:  # a closed page must not hide the real failure
                (folder / f"{who}{suffix}.screenshot-error.txt").write_text(str(exc))
    if tracing:
        context.tracing.stop(path=folder / f"{who}-trace.zip" if failed else None)
    context.close()
    if not failed and folder.is_dir():  # a scenario that passes now leaves no stale artifacts behind
        for stale in folder.glob(f"{who}*"):
            stale.unlink()
        if not any(folder.iterdir()):
            folder.rmdir()


@pytest.fixture
def partner_context(request, sandbox_browser, sandbox_url):
    """The partner's browser: its own cookies, and the clipboard readable (Copy to clipboard)."""
    for context in _context(request, sandbox_browser, sandbox_url, "partner"):
        context.grant_permissions(["clipboard-read", "clipboard-write"], origin=sandbox_url)
        yield context


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
def customer_context(request, sandbox_browser, sandbox_url):
    """The customer's browser: a separate context, as on another machine."""
    yield from _context(request, sandbox_browser, sandbox_url, "customer")


@pytest.fixture
def customer_page(customer_context):
    return customer_context.new_page()
