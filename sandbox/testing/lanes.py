"""Browser lanes for ``pytest -n``: tests that drive Chromium run on a few workers only, the others anywhere.

A browser scenario keeps about one and a half cores busy (Chromium's browser and renderer processes, the
Playwright driver, the in-process sandbox). Two of them at once on a 2-core machine ran the browser suite
slower than one after the other (measured: 79 s against 66 s), while the API, store and unit tests use
one core each and fill the rest well. So under xdist's default ``load`` distribution the plugin hands the
browser tests to ``--sandbox-browser-lanes`` workers (``auto``: one per two cores), browser tests first,
and everything else to every worker; ``0`` keeps xdist's own scheduling.

Which tests are browser tests is known where tests are collected (the workers), not where they are
scheduled (the controller): each worker writes the indices of its browser tests (marked ``browser``, or
using the ``browser`` fixture, as ``page`` does) to a file the controller named, before it reports its
collection; the scheduler reads one of those files when it starts.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

import pytest

WORKER_KEY = "mca_sandbox_lanes"


def lane_count(value: str, cpus: int | None = None) -> int:
    """``auto`` -> one lane per two cores (at least one); else the number given (0 = off)."""
    if value == "auto":
        return max(1, (cpus if cpus is not None else os.cpu_count() or 1) // 2)
    count = int(value)
    if count < 0:
        raise ValueError(value)
    return count


def drives_a_browser(item: pytest.Item) -> bool:
    return item.get_closest_marker("browser") is not None or "browser" in getattr(item, "fixturenames", ())


class Controller:
    """Registered in the controller of an ``-n`` run with ``load`` distribution."""

    def __init__(self, lanes: int):
        self.lanes = lanes
        self.folder = Path(tempfile.mkdtemp(prefix="mca-sandbox-lanes-"))

    def pytest_configure_node(self, node) -> None:
        node.workerinput[WORKER_KEY] = str(self.folder)

    @pytest.hookimpl(tryfirst=True)  # before xdist's DSession answers with its own
    def pytest_xdist_make_scheduler(self, config, log):
        from .lane_scheduling import BrowserLaneScheduling

        return BrowserLaneScheduling(config, log, lanes=self.lanes, folder=self.folder)

    def pytest_unconfigure(self, config) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


class Worker:
    """Registered in every worker of such a run: tells the controller which of its tests are browser tests."""

    def __init__(self, folder: str, worker_id: str):
        self.path = Path(folder, f"{worker_id}.json")

    @pytest.hookimpl(tryfirst=True)  # before xdist's own hook reports the collection to the controller
    def pytest_collection_finish(self, session: pytest.Session) -> None:
        browser = [index for index, item in enumerate(session.items) if drives_a_browser(item)]
        partial = self.path.with_suffix(".part")
        partial.write_text(json.dumps({"count": len(session.items), "browser": browser}))
        partial.replace(self.path)


def install(config: pytest.Config) -> None:
    """From the plugin's ``pytest_configure``: lanes for the controller or the worker, when they apply."""
    workerinput = getattr(config, "workerinput", None)
    if workerinput is not None:
        if WORKER_KEY in workerinput:
            config.pluginmanager.register(Worker(workerinput[WORKER_KEY], workerinput["workerid"]), "mca-sandbox-lanes")
        return
    if not config.pluginmanager.hasplugin("xdist") or getattr(config.option, "dist", "no") != "load":
        return
    value = config.getoption("sandbox_browser_lanes")
    try:
        lanes = lane_count(value)
    except ValueError:
        raise pytest.UsageError(f"--sandbox-browser-lanes must be a number (0 or more) or 'auto', not {value!r}") from None
    if lanes:
        config.pluginmanager.register(Controller(lanes), "mca-sandbox-lanes")
