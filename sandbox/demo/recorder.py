"""A pytest plugin for the demo run: a screenshot after each step, the videos of each journey, a progress
display on the terminal, and the journeys' record (``journeys.json``) that :mod:`.index` turns into HTML."""

from __future__ import annotations

import json
import re
import shutil
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pytest

PAGE_FIXTURES = ("partner_page", "customer_page", "page")


@dataclass
class Step:
    keyword: str
    text: str
    table: list[list[str]] = field(default_factory=list)
    status: str = "passed"
    seconds: float = 0.0
    screenshot: str | None = None  # relative to the output folder
    who: str | None = None  # whose page the screenshot shows


@dataclass
class Journey:
    number: int
    folder: str
    feature: str
    description: str
    scenario: str
    steps: list[Step] = field(default_factory=list)
    videos: list[tuple[str, str]] = field(default_factory=list)  # (whose, path relative to the output folder)
    status: str = "running"
    seconds: float = 0.0


class DemoRecorder:
    """Records each scenario (journey) of the run into ``output``."""

    def __init__(self, output: Path, stream=None):
        self.output = output
        self.total = 0
        self.sandbox_url: str | None = None
        self.stream = stream or sys.stdout
        self.journeys: list[Journey] = []
        self._step_started = 0.0
        self._journey_started = 0.0

    @property
    def current(self) -> Journey:
        return self.journeys[-1]

    def _say(self, text: str) -> None:
        print(text, file=self.stream, flush=True)

    # --- pytest-bdd's hooks ---------------------------------------------------------------------

    def pytest_collection_finish(self, session):
        self.total = len(session.items)  # after -k

    def pytest_bdd_before_scenario(self, request, feature, scenario):
        self.sandbox_url = self.sandbox_url or request.getfixturevalue("sandbox_url")
        number = len(self.journeys) + 1
        folder = f"{number:02d}-{_slug(feature.name.split(':')[0])}"
        (self.output / folder).mkdir(parents=True, exist_ok=True)
        self.journeys.append(Journey(number, folder, feature.name, feature.description, scenario.name))
        self._journey_started = time.perf_counter()
        self._say(f"\n[{number}/{self.total}] {feature.name}\n      {scenario.name}")

    def pytest_bdd_before_step(self, request, feature, scenario, step, step_func):
        self._step_started = time.perf_counter()

    def pytest_bdd_after_step(self, request, feature, scenario, step, step_func, step_func_args):
        self._record(request, step, step_func_args, "passed")

    def pytest_bdd_step_error(self, request, feature, scenario, step, step_func, step_func_args, exception):
        self._record(request, step, step_func_args, "failed")

    def pytest_bdd_after_scenario(self, request, feature, scenario):
        self.current.status = "passed"

    # --- pytest's hooks ---------------------------------------------------------------------------

    @pytest.hookimpl(tryfirst=True)
    def pytest_report_teststatus(self, report, config):
        if report.when == "call":
            return report.outcome, "", report.outcome.upper()  # no dot: the progress lines say it all
        return None

    def pytest_runtest_logreport(self, report):
        if report.when != "teardown" or not self.journeys:
            return
        journey = self.current
        if journey.status == "running":
            journey.status = "failed"
        journey.seconds = time.perf_counter() - self._journey_started
        for name, value in report.user_properties:
            if name == "playwright_video":
                source = Path(value)
                target = self.output / journey.folder / source.name
                shutil.move(str(source), target)
                journey.videos.append((source.stem.split("-")[0], f"{journey.folder}/{source.name}"))
        mark = "done" if journey.status == "passed" else "FAILED"
        self._say(f"      {mark} in {journey.seconds:.1f} s, {len(journey.videos)} video(s)")

    def pytest_sessionfinish(self, session):
        (self.output / "journeys.json").write_text(
            json.dumps([asdict(journey) for journey in self.journeys], indent=2), encoding="utf-8")

    # --- one step ---------------------------------------------------------------------------------

    def _record(self, request, step, step_func_args: dict, status: str) -> None:
        journey = self.current
        seconds = time.perf_counter() - self._step_started
        table = [list(row) for row in step.datatable.raw()] if getattr(step, "datatable", None) else []
        recorded = Step(step.keyword, step.name, table, status, seconds)
        who, page = _page_of(request, step_func_args)
        if page is not None:
            name = f"{journey.folder}/step-{len(journey.steps) + 1:02d}.png"
            try:
                page.screenshot(path=self.output / name)
                recorded.screenshot, recorded.who = name, who
            except Exception:  # a page that is gone: the step is shown without its picture
                pass
        journey.steps.append(recorded)
        mark = "✔" if status == "passed" else "✘"
        self._say(f"   {mark} {step.keyword} {step.name}  ({seconds:.1f} s)")


def _page_of(request, step_func_args: dict):
    """The browser page the step worked on (a step names it as a fixture); None for arranging steps."""
    for name in PAGE_FIXTURES:
        if name in step_func_args:
            return name.replace("_page", ""), step_func_args[name]
    return None, None


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "journey"
