"""Scenarios in the reports: pytest-bdd's scenario record carried across xdist workers (so that
``--cucumberjson`` is complete under ``-n``), Gherkin-style terminal output (``--gherkin-output``, which
works with xdist, unlike pytest-bdd's own ``--gherkin-terminal-reporter``), and each scenario's steps in
the HTML report.
"""

from __future__ import annotations

import html
import sys

try:  # pytest-bdd >= 8 keeps the scenario of a report in a registry keyed by the report object
    from pytest_bdd.reporting import ReportContext, test_report_context_registry
except ImportError:  # pragma: no cover - no pytest-bdd, or one that does it differently
    ReportContext = test_report_context_registry = None

CARRIED = "mca_sandbox_bdd_scenario"


def scenario_of(report) -> dict | None:
    """The pytest-bdd scenario record of a test report, or None for a test that is not a scenario."""
    if test_report_context_registry is None:
        return None
    context = test_report_context_registry.get(report)
    return context.scenario if context is not None else None


# --- across xdist ----------------------------------------------------------------------------


def to_serializable(report, data: dict | None) -> None:
    if data is None or test_report_context_registry is None:
        return
    context = test_report_context_registry.get(report)
    if context is not None:
        data[CARRIED] = {"scenario": context.scenario, "name": context.name}


def from_serializable(report, carried: dict | None) -> None:
    if report is not None and carried and test_report_context_registry is not None:
        test_report_context_registry[report] = ReportContext(scenario=carried["scenario"], name=carried["name"])


# --- the terminal ----------------------------------------------------------------------------


def _marks() -> tuple[str, str, str]:
    encoding = (getattr(sys.stdout, "encoding", None) or "").lower()
    return ("✔", "✘", "–") if encoding.startswith("utf") else ("ok", "FAIL", "--")


def step_lines(scenario: dict) -> list[tuple[str, str]]:
    """``(state, "Keyword text")`` per step: ``passed``, ``failed`` (the first failing one) or ``not run``."""
    lines, failed_seen = [], False
    for step in scenario["steps"]:
        if step["failed"] and not failed_seen:
            state, failed_seen = "failed", True
        elif failed_seen:
            state = "not run"
        else:
            state = "passed"
        lines.append((state, f"{step['keyword']} {step['name']}"))
    return lines


class GherkinOutput:
    """Writes each scenario as Feature / Scenario / steps once its call phase is reported."""

    def __init__(self, config):
        self.config = config
        self.last_feature: str | None = None

    def pytest_report_teststatus(self, report, config):
        if report.when == "call" and scenario_of(report) is not None:
            return report.outcome, "", report.outcome.upper()  # counted as usual; the block replaces the dot
        return None

    def pytest_runtest_logreport(self, report):
        scenario = scenario_of(report)
        if report.when != "call" or scenario is None:
            return
        writer = self.config.pluginmanager.getplugin("terminalreporter")
        if writer is None:
            return
        ok, failed, not_run = _marks()
        writer.ensure_newline()
        feature = scenario["feature"]
        if feature["filename"] != self.last_feature:
            self.last_feature = feature["filename"]
            writer.write_line("")
            writer.write_line(f"{feature['keyword']}: {feature['name']}", blue=True, bold=True)
        color = {"passed": {"green": True}, "failed": {"red": True}}.get(report.outcome, {"yellow": True})
        worker = getattr(report, "worker_id", None)
        writer.write_line(
            f"  {scenario['keyword']}: {scenario['name']}  {report.outcome.upper()} "
            f"({report.duration:.1f} s{', ' + worker if worker else ''})", **color, bold=True)
        marks = {"passed": (ok, {"green": True}), "failed": (failed, {"red": True}), "not run": (not_run, {})}
        for state, text in step_lines(scenario):
            mark, markup = marks[state]
            writer.write_line(f"    {mark} {text}", **markup)


# --- the HTML report -------------------------------------------------------------------------


def steps_html(scenario: dict) -> str:
    """The scenario's steps for pytest-html's extras: feature, scenario, each step and its outcome."""
    symbols = {"passed": "✔", "failed": "✘", "not run": "–"}
    items = "".join(
        f'<li class="step-{state.replace(" ", "-")}">{symbols[state]} {html.escape(text)}</li>'
        for state, text in step_lines(scenario)
    )
    feature = scenario["feature"]
    tags = " ".join(f"@{tag}" for tag in sorted({*feature["tags"], *scenario["tags"]}))
    return (
        f'<div class="gherkin"><p><b>{html.escape(feature["keyword"])}:</b> {html.escape(feature["name"])}<br>'
        f'<b>{html.escape(scenario["keyword"])}:</b> {html.escape(scenario["name"])}<br>'
        f"<small>{html.escape(tags)}</small></p><ul style=\"list-style:none\">{items}</ul></div>"
    )
