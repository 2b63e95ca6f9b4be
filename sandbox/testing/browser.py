"""Finding a Chromium and launching it the same way everywhere (CI, containers, laptops)."""

from __future__ import annotations

import os
import shutil

CHROMIUM_ENV = "MCA_SANDBOX_CHROMIUM"
CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "chromium", "chromium-browser", "google-chrome")
QUIET_ARGS = ("--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-gpu")


def find_chromium() -> str | None:
    """The Chromium to drive: ``$MCA_SANDBOX_CHROMIUM``, else a system one; None means Playwright's own."""
    chosen = os.environ.get(CHROMIUM_ENV)
    if chosen:
        return chosen
    for candidate in CANDIDATES:
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


def launch_chromium(playwright, *, headless: bool | None = None, slow_mo: float = 0):
    """Launch headless Chromium (``MCA_SANDBOX_HEADED=1`` shows it) with the flags above."""
    if headless is None:
        headless = os.environ.get("MCA_SANDBOX_HEADED", "") in ("", "0")
    return playwright.chromium.launch(
        executable_path=find_chromium(), headless=headless, args=launch_args(), slow_mo=slow_mo
    )
