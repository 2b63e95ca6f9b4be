"""The mca-sandbox pytest plugin, loaded in every pytest run of an environment where mca-sandbox is
installed (entry point ``pytest11``: ``mca_sandbox``). It costs nothing until a test asks for one of its
fixtures: no server, no browser and no Flask app is started or imported before that.

Fixtures:

- ``sandbox`` (session): the sandbox the run drives: ``url``, ``control`` (control-API client),
  ``create_tenant()``; started in-process on a free port (``--sandbox-db``, default a temporary SQLite
  file; ``--sandbox-seed`` adds the demo workspace), or an external one (``--sandbox-url``,
  ``MCA_SANDBOX_URL`` or pytest-playwright's ``--base-url``), whose tenants are deleted after each test;
- ``sandbox_tenant``: a fresh partner tenant per test (users, app credentials, clock), set with
  ``@pytest.mark.sandbox_tenant(kind="IndirectReseller", clock="2020-01-15T00:00:00Z", customers=2)``
  or ``@pytest.mark.parametrize("sandbox_tenant", [{...}], indirect=True)``;
- ``partner_api``: :class:`~sandbox.testing.partner_api.PartnerApi` of that tenant, App+User as its
  Admin agent (``.app_only()``, ``.as_user("SalesAgent")``, ``.as_provider()``);
- ``sandbox_url``, ``control``: what the step library uses;
- browser (built on pytest-playwright, see :mod:`.browsing`): ``page``/``context`` against the sandbox in a
  test that asks for it (``sandbox_tenant``, say: another Playwright test in the environment keeps
  pytest-playwright's own ``--base-url``), ``partner_page`` and ``customer_page`` (two people, two browser
  contexts).

The step library is imported into a ``conftest.py`` (``from sandbox.testing.steps import *``); the page
objects are in :mod:`sandbox.testing.pages`. Rule-id tags of the feature files (``@R-OPT2-REL-7``) are
registered as markers, so ``--strict-markers`` accepts them and ``-m R-OPT2-REL-7`` selects.

A failed test keeps its evidence under ``--output`` (``test-results/<test>/``): screenshots, Playwright
traces and videos as ``--screenshot``, ``--tracing`` and ``--video`` ask, and the journal of every tenant
it made; all are attached to the JUnit and HTML reports.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import traceback
from datetime import datetime
from pathlib import Path

import pytest

from . import evidence, gherkin
from .markers import register_rule_markers

SANDBOX = pytest.StashKey[object]()  # the run's Sandbox, once a test asked for it
TENANTS_BEFORE = pytest.StashKey[int]()  # how many tenants the control client had made before a test
PHASES = pytest.StashKey[dict]()  # when -> report of the item's phases so far
TENANT_OPTIONS = {"kind", "clock", "frozen", "customers", "seed"}

__all__: list[str] = []  # a plugin, not a module to import fixtures from (they would be defined twice)


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("mca-sandbox", "mca-sandbox (Partner Center sandbox)")
    group.addoption("--sandbox-url", default=None, metavar="URL",
                    help="drive this running sandbox instead of starting one in-process (env MCA_SANDBOX_URL)")
    group.addoption("--sandbox-db", default=None, metavar="URL",
                    help="database of the in-process sandbox (default: a temporary SQLite file per worker)")
    group.addoption("--sandbox-seed", default=None, type=int, metavar="N",
                    help="create the demo workspace with this seed in the in-process sandbox")
    group.addoption("--gherkin-output", action="store_true", default=False,
                    help="print each scenario as Feature / Scenario / steps (works with xdist)")
    parser.addini("sandbox_action_timeout", "timeout of browser actions and expect(), milliseconds", default="5000")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "sandbox_tenant(kind='DirectBill', clock=None, frozen=True, customers=0, seed=None): "
        "how the sandbox_tenant fixture makes this test's partner tenant",
    )
    base = config.getini("bdd_features_base_dir") or "features"
    register_rule_markers(config, Path(base) if Path(base).is_absolute() else config.rootpath / base)
    if config.pluginmanager.hasplugin("playwright"):
        # Registered now, after every entry-point plugin, so that its fixtures override pytest-playwright's.
        from . import browsing

        config.pluginmanager.register(browsing, "mca-sandbox-browser")
        if config.getoption("--video", default="off") != "off":
            from .browser import ensure_ffmpeg

            ensure_ffmpeg()
    if config.getoption("gherkin_output", default=False):
        config.pluginmanager.register(gherkin.GherkinOutput(config), "mca-sandbox-gherkin")


def pytest_sessionstart(session: pytest.Session) -> None:
    """Empty ``--output`` once per run, in the main process (pytest-playwright does it in every xdist
    worker, which could delete what a faster worker has already written)."""
    config = session.config
    if hasattr(config, "workerinput") or not config.pluginmanager.hasplugin("mca-sandbox-browser"):
        return
    output = Path(config.invocation_params.dir, config.getoption("--output"))
    if output.is_dir():
        shutil.rmtree(output, ignore_errors=True)


@pytest.hookimpl(tryfirst=True)
def pytest_sessionfinish(session: pytest.Session) -> None:
    """pytest-bdd writes ``--cucumberjson`` without making its folder (which the session start may have emptied)."""
    path = getattr(session.config.option, "cucumber_json_path", None)
    if path and not hasattr(session.config, "workerinput"):
        Path(session.config.invocation_params.dir, os.path.expanduser(os.path.expandvars(path))).parent.mkdir(
            parents=True, exist_ok=True)


# --- phases, evidence and scenario records --------------------------------------------------------


@pytest.hookimpl(optionalhook=True)
def pytest_bdd_step_error(request, feature, scenario, step, step_func, step_func_args, exception) -> None:
    """Name the failing sentence in the failure itself (terminal, JUnit), not only the step's Python function."""
    if isinstance(exception, BaseException) and hasattr(exception, "add_note"):
        exception.add_note(f"in the step: {step.keyword} {step.name}  ({feature.rel_filename}:{step.line_number})")


def pytest_runtest_setup(item: pytest.Item) -> None:
    sandbox = item.config.stash.get(SANDBOX, None)
    if sandbox is not None:
        item.stash[TENANTS_BEFORE] = len(sandbox.control.created)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call):
    report = yield
    item.stash.setdefault(PHASES, {})[report.when] = report
    try:
        if report.when in ("setup", "call") and report.failed:
            evidence.write_journals(item, report)
        if report.when == "call":
            scenario = gherkin.scenario_of(report)
            if scenario is not None:
                evidence.add_html(item.config, report, gherkin.steps_html(scenario))
        if report.when == "teardown":
            evidence.attach_artifacts(item, report)
    except Exception:  # evidence that can't be gathered must not hide the test's own outcome
        report.sections.append(("mca-sandbox evidence", traceback.format_exc()))
    return report


def failed_before_teardown(item: pytest.Item) -> bool:
    """Whether the test's setup or call failed (known once its teardown starts)."""
    phases = item.stash.get(PHASES, {})
    return any(report.failed for when, report in phases.items() if when in ("setup", "call"))


@pytest.hookimpl(wrapper=True)
def pytest_report_to_serializable(config, report):
    data = yield
    gherkin.to_serializable(report, data)
    return data


@pytest.hookimpl(wrapper=True)
def pytest_report_from_serializable(config, data):
    carried = data.pop(gherkin.CARRIED, None) if isinstance(data, dict) else None
    report = yield
    gherkin.from_serializable(report, carried)
    return report


# --- fixtures ----------------------------------------------------------------------------------


def external_url(config: pytest.Config) -> str | None:
    """The URL of the sandbox to drive, when the run is given one."""
    url = config.getoption("sandbox_url") or os.environ.get("MCA_SANDBOX_URL") or config.getoption("base_url", None)
    return url.rstrip("/") if url else None


def control_key() -> str:
    """The key of an external sandbox's control API: the server's own variable, MCA_SANDBOX_CONTROL_API_KEY
    (MCA_SANDBOX_CONTROL_KEY, the name this plugin read before, still works)."""
    return os.environ.get("MCA_SANDBOX_CONTROL_API_KEY") or os.environ.get("MCA_SANDBOX_CONTROL_KEY", "")


@pytest.fixture(scope="session")
def sandbox(pytestconfig):
    """The sandbox of this run (of this xdist worker): external by URL, or started here."""
    from .server import Sandbox

    url = external_url(pytestconfig)
    if url:
        from .control import ControlError

        try:
            running = Sandbox.connect(url, key=control_key())
        except ControlError as error:  # one line per test that needs it, not a connection traceback
            pytest.fail(str(error), pytrace=False)
    else:
        running = Sandbox.start(database_url=pytestconfig.getoption("sandbox_db"),
                                seed=pytestconfig.getoption("sandbox_seed"))
    pytestconfig.stash[SANDBOX] = running
    yield running
    del pytestconfig.stash[SANDBOX]
    running.stop()


@pytest.fixture(scope="session")
def sandbox_url(sandbox) -> str:
    """The sandbox's base URL (no trailing slash)."""
    return sandbox.url


@pytest.fixture(scope="session")
def control(sandbox):
    """The control-API client (tenants, clocks, seeded customers, journals)."""
    return sandbox.control


@pytest.fixture
def sandbox_tenant(request, sandbox):
    """A fresh, isolated partner tenant for this test (see the ``sandbox_tenant`` marker)."""
    options = {}
    marker = request.node.get_closest_marker("sandbox_tenant")
    if marker is not None:
        options.update(marker.kwargs)
    options.update(getattr(request, "param", None) or {})
    unknown = set(options) - TENANT_OPTIONS
    if unknown:
        raise pytest.UsageError(f"sandbox_tenant: unknown option(s) {sorted(unknown)}; known: {sorted(TENANT_OPTIONS)}")
    clock = options.get("clock")
    if isinstance(clock, str):
        clock = datetime.fromisoformat(clock.replace("Z", "+00:00"))
    tenant = sandbox.control.create_tenant(
        kind=options.get("kind", "DirectBill"), seed=options.get("seed"), customers=options.get("customers", 0),
        now=clock, frozen=options.get("frozen", True),
    )
    yield tenant
    if sandbox.control.delete_tenants_after_use:
        from .control import ControlError

        with contextlib.suppress(ControlError):  # the test may have deleted it itself
            sandbox.control.delete_tenant(tenant)


@pytest.fixture
def partner_api(sandbox, sandbox_tenant):
    """The tenant's integration calling ``/v1`` with an App+User token of its Admin agent."""
    from .partner_api import PartnerApi

    client = PartnerApi(sandbox.url, sandbox_tenant)
    yield client
    client.close()
