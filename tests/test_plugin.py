"""The mca-sandbox pytest plugin as a partner gets it: suites run from folders outside the repository, in
their own pytest processes, with nothing but the installed package."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "partner-suite"

pytestmark = pytest.mark.browser


# Plugins of this project's own test tools that a partner's environment would not have (they only slow
# each pytest start); mca-sandbox's own plugin still loads by its entry point.
NOT_A_PARTNERS = ("-p", "no:hypothesispytest", "-p", "no:schemathesis", "-p", "no:anyio")


def run_pytest(folder: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """pytest in ``folder``, as a partner's CI would start it (no variable pointing at this repository; ``env``
    adds the partner's own)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "MCA_SANDBOX_")) and k != "PYTHONPATH"} | (env or {})
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *NOT_A_PARTNERS, *args],
                          cwd=folder, env=env, capture_output=True, text=True, timeout=300)


def test_the_example_partner_suite_passes_outside_the_repository(tmp_path):
    suite = tmp_path / "partner-suite"
    shutil.copytree(EXAMPLE, suite)

    finished = run_pytest(suite, "-q", "--junitxml=junit.xml")

    assert finished.returncode == 0, finished.stdout[-4000:] + finished.stderr[-2000:]
    cases = {case.get("name") for case in ET.parse(suite / "junit.xml").getroot().iter("testcase")}
    assert cases == {
        "test_our_integration_confirms_the_customers_acceptance_through_the_api",
        "test_the_partner_sees_our_integrations_confirmation_in_partner_center",
        "test_an_indirect_reseller_cannot_confirm_but_its_provider_can",
        "test_an_order_whose_answer_was_lost_is_retried_without_buying_twice",
    }


def test_the_plugin_starts_and_imports_nothing_for_a_test_that_does_not_ask(tmp_path):
    (tmp_path / "test_plain.py").write_text("def test_plain():\n    assert 1 + 1 == 2\n")
    (tmp_path / "conftest.py").write_text(
        "import sys, threading, json\n"
        "def pytest_sessionfinish(session):\n"
        "    loaded = {name for name in ('sandbox.app', 'flask', 'sqlalchemy') if name in sys.modules}\n"
        "    threads = [t.name for t in threading.enumerate() if t.name.startswith('mca-sandbox')]\n"
        "    plugin = session.config.pluginmanager.hasplugin('mca_sandbox')\n"
        "    state = {'plugin': plugin, 'loaded': sorted(loaded), 'threads': threads}\n"
        "    open('state.json', 'w').write(json.dumps(state))\n"
    )

    finished = run_pytest(tmp_path, "-q")

    assert finished.returncode == 0, finished.stdout[-3000:]
    assert json.loads((tmp_path / "state.json").read_text()) == {"plugin": True, "loaded": [], "threads": []}


def test_a_teams_own_playwright_tests_keep_their_base_url_beside_the_plugin(tmp_path):
    """In the same environment, a Playwright test of the team's own app (its --base-url) neither starts a
    sandbox nor gets pointed at one (it did: its page opened the sandbox, or failed on "not a sandbox");
    a test that asks for a tenant still gets ``page`` at the sandbox."""
    own_app = tmp_path / "own-app"
    own_app.mkdir()
    (own_app / "index.html").write_text("<title>Our own app</title>")
    (tmp_path / "test_both.py").write_text(
        "def test_own_app(page):\n"
        "    page.goto('/index.html')\n"
        "    assert page.title() == 'Our own app'\n"
        "def test_sandbox_page(page, sandbox_tenant):\n"
        "    page.goto('/_sandbox/health')\n"
        "    assert 'mca-sandbox' in page.content()\n"
    )
    (tmp_path / "conftest.py").write_text(
        "import sys, json\n"
        "def pytest_sessionfinish(session):\n"
        "    open('loaded.json', 'w').write(json.dumps('sandbox.app' in sys.modules))\n"
    )
    server = subprocess.Popen([sys.executable, "-m", "http.server", "--bind", "127.0.0.1", "0"], cwd=own_app,
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        port = server.stdout.readline().split(" port ")[1].split()[0]  # "Serving HTTP on 127.0.0.1 port N (...)"
        own = run_pytest(tmp_path, "-q", "-k", "own_app", "--base-url", f"http://127.0.0.1:{port}")
    finally:
        server.terminate()
        server.wait(timeout=10)
    assert own.returncode == 0, own.stdout[-3000:] + own.stderr[-2000:]
    assert json.loads((tmp_path / "loaded.json").read_text()) is False  # no sandbox started, nor imported

    sandbox_test = run_pytest(tmp_path, "-q", "-k", "sandbox_page")
    assert sandbox_test.returncode == 0, sandbox_test.stdout[-3000:] + sandbox_test.stderr[-2000:]


FAILING_FEATURE = """\
Feature: A scenario that fails
  Scenario: The partner looks for a customer that is not there
    Given a direct-bill partner
    And the partner's Admin agent is signed in to Partner Center
    When the partner opens Customers
    Then the partner sees a customer called "Nobody at all"
"""

FAILING_API_FEATURE = """\
Feature: An API scenario that fails
  Scenario: The integration looks for a confirmation that is not there
    Given a direct-bill partner whose clock reads 2020-05-05
    And a customer without an agreement
    And the partner's integration signs in as the partner's Admin agent
    When the partner's integration reads the customer's confirmations of type "MicrosoftCustomerAgreement"
    Then the API lists 1 confirmation
"""

FAILING_STEPS = """\
from playwright.sync_api import expect
from pytest_bdd import parsers, scenarios, then

from sandbox.testing.steps import *  # noqa: F403
from sandbox.testing.steps.api import *  # noqa: F403

scenarios("failing.feature", "failing_api.feature")


@then(parsers.parse('the partner sees a customer called "{name}"'))
def _(partner_page, name):
    expect(partner_page.get_by_role("link", name=name)).to_be_visible(timeout=300)


def test_an_api_call_that_fails(partner_api):
    assert partner_api.app_only().get("/customers").status_code == 299
"""


def test_a_failing_scenario_keeps_its_screenshot_trace_and_journal_in_every_report(tmp_path):
    (tmp_path / "failing.feature").write_text(FAILING_FEATURE)
    (tmp_path / "failing_api.feature").write_text(FAILING_API_FEATURE)
    (tmp_path / "test_failing.py").write_text(FAILING_STEPS)
    (tmp_path / "pytest.ini").write_text("[pytest]\nbdd_features_base_dir = .\n")

    finished = run_pytest(
        tmp_path, "-n", "2", "--tracing=retain-on-failure", "--screenshot=only-on-failure", "--gherkin-output",
        "--cucumberjson=out/cucumber.json", "--junitxml=out/junit.xml", "--html=out/report.html",
        "--self-contained-html", "--output=out/evidence",
    )

    assert finished.returncode == 1, finished.stdout[-4000:]
    assert "3 failed" in finished.stdout
    # Gherkin-style output, under xdist
    assert "Feature: A scenario that fails" in finished.stdout
    assert 'Then the partner sees a customer called "Nobody at all"' in finished.stdout
    # the evidence, one folder per test
    scenario = tmp_path / "out/evidence/test-failing-py-test-the-partner-looks-for-a-customer-that-is-not-there"
    assert (scenario / "partner.png").stat().st_size > 0
    assert (scenario / "partner-trace.zip").stat().st_size > 0
    [journal] = scenario.glob("journal-*.json")
    paths = [entry["path"] for entry in json.loads(journal.read_text())["items"]]
    assert "/dashboard/customers" in paths  # the portal's pages are in the tenant's journal
    [api_journal] = (tmp_path / "out/evidence/test-failing-py-test-an-api-call-that-fails").glob("journal-*.json")
    assert [(e["path"], e["status"]) for e in json.loads(api_journal.read_text())["items"]][-1] == ("/v1/customers", 200)
    # the REST API steps' scenario: its tenant's journal holds the integration's calls
    [steps_journal] = (tmp_path / "out/evidence").glob("*integration-looks-for-a-confirmation*/journal-*.json")
    calls = [(e["method"], e["path"], e["status"]) for e in json.loads(steps_journal.read_text())["items"]]
    assert ("GET", next(path for _m, path, _s in calls if path.endswith("/agreements")), 200) in calls
    # Cucumber JSON, complete under xdist
    features = {feature["name"]: feature for feature in json.loads((tmp_path / "out/cucumber.json").read_text())}
    [element] = features["A scenario that fails"]["elements"]
    assert [step["result"]["status"] for step in element["steps"]] == ["passed", "passed", "passed", "failed"]
    # JUnit XML names the files; the HTML report holds them
    properties = {p.get("name") for p in ET.parse(tmp_path / "out/junit.xml").getroot().iter("property")}
    assert {"playwright_screenshot", "playwright_trace", "sandbox_journal"} <= properties
    report = (tmp_path / "out/report.html").read_text()
    assert "Sandbox journal of tenant" in report and "partner-trace.zip" in report
    assert "data:image/png;base64" in report or "image/png" in report


MISTAKES_FEATURE = """\
Feature: Mistakes a suite's author makes
  Scenario: A step before any partner
    Given the partner's integration signs in as the partner's Admin agent

  Scenario: A role that does not exist
    Given a direct-bill partner whose clock reads 2020-05-05
    And the partner's integration signs in as the partner's Sales manager

  Scenario: A date written another way
    Given a direct-bill partner
    And the sandbox date is 05/05/2020

  Scenario: Someone deletes the tenant while the scenario runs
    Given a direct-bill partner whose clock reads 2020-05-05
    And a customer without an agreement
    When someone deletes the partner's tenant
    And the partner's integration signs in as the partner's Admin agent
"""


def test_a_suites_mistakes_are_named_in_the_failure(tmp_path, sandbox_url):
    (tmp_path / "mistakes.feature").write_text(MISTAKES_FEATURE)
    (tmp_path / "conftest.py").write_text("from pytest_bdd import when\n"
                                          "from sandbox.testing.steps import *  # noqa: F403\n"
                                          "from sandbox.testing.steps.api import *  # noqa: F403\n\n\n"
                                          "@when(\"someone deletes the partner's tenant\")\n"
                                          "def _(control, tenant):\n"
                                          "    control.delete_tenant(tenant)\n")
    (tmp_path / "test_mistakes.py").write_text('from pytest_bdd import scenarios\n\nscenarios("mistakes.feature")\n')
    (tmp_path / "pytest.ini").write_text("[pytest]\nbdd_features_base_dir = .\n")

    finished = run_pytest(tmp_path, "-q", "--junitxml=junit.xml", "--sandbox-url", sandbox_url,
                          env={"MCA_SANDBOX_CONTROL_API_KEY": ""})

    assert finished.returncode == 1 and "4 failed" in finished.stdout, finished.stdout[-4000:]
    said = {case.get("name"): ET.tostring(case, encoding="unicode") for case in ET.parse(tmp_path / "junit.xml").getroot().iter("testcase")}
    assert "needs the scenario's partner, and no step has made one yet" in said["test_a_step_before_any_partner"]
    assert "fixture 'tenant' not found" not in finished.stdout
    role = said["test_a_role_that_does_not_exist"]
    assert "No partner role is called 'Sales manager'; the roles: Admin agent" in role
    assert "in the step: And the partner's integration signs in as the partner's Sales manager" in role
    assert "YYYY-MM-DD, like 2020-05-05; got '05/05/2020'" in said["test_a_date_written_another_way"]
    deleted = said["test_someone_deletes_the_tenant_while_the_scenario_runs"]
    assert "no longer exists: it was deleted while the test ran" in deleted, deleted
    assert "ControlError" not in deleted.split("no longer exists")[1]  # the scenario's own teardown took it calmly


def _executable(folder, name):
    path = folder / name
    path.write_text("#!/bin/sh\n")
    path.chmod(0o755)
    return str(path)


def test_headless_runs_drive_chromiums_headless_shell_and_headed_runs_the_full_browser(tmp_path, monkeypatch):
    from sandbox.testing import browser

    shell = _executable(tmp_path, "chromium-headless-shell")
    full = _executable(tmp_path, "chromium")
    monkeypatch.delenv(browser.CHROMIUM_ENV, raising=False)
    monkeypatch.setattr(browser, "HEADLESS_CANDIDATES", (shell,))
    monkeypatch.setattr(browser, "CANDIDATES", (full,))
    assert browser.find_chromium() == shell
    assert browser.find_chromium(headless=False) == full

    monkeypatch.setattr(browser, "HEADLESS_CANDIDATES", (str(tmp_path / "not-installed"),))
    assert browser.find_chromium() == full  # no headless shell: the full browser runs headless

    monkeypatch.setenv(browser.CHROMIUM_ENV, "/opt/my/chrome")
    assert browser.find_chromium() == browser.find_chromium(headless=False) == "/opt/my/chrome"


SELF_SIGNED_CONFTEST = """

import pytest


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "ignore_https_errors": True}
"""


def test_the_example_partner_suite_passes_against_a_shared_https_sandbox_with_a_control_key(tmp_path):
    """A team's shared sandbox: served elsewhere over HTTPS with its own certificate and a control key. The
    suite names it by URL and reads the key from the server's own variable (MCA_SANDBOX_CONTROL_API_KEY),
    trusting the certificate through the variables its README gives; its browser scenario signs in with the
    step library's fast form post, which must carry a same-origin Referer over HTTPS."""
    from sandbox.testing.server import LiveServer
    from sandbox.tls import self_signed

    suite = tmp_path / "partner-suite"
    shutil.copytree(EXAMPLE, suite)
    with (suite / "conftest.py").open("a") as conftest:  # the example README's lines for a self-signed certificate
        conftest.write(SELF_SIGNED_CONFTEST)
    certificate = self_signed(tmp_path / "tls")
    key = "team-key-" + os.urandom(8).hex()
    with LiveServer({"CONTROL_API_KEY": key}, certificate=certificate) as server:
        trust = {name: str(certificate.cert) for name in ("SSL_CERT_FILE", "REQUESTS_CA_BUNDLE", "NODE_EXTRA_CA_CERTS")}
        finished = run_pytest(suite, "-q", f"--sandbox-url={server.url}",
                              env={"MCA_SANDBOX_CONTROL_API_KEY": key, **trust})
    assert finished.returncode == 0, finished.stdout[-4000:] + finished.stderr[-2000:]


def test_a_shared_sandbox_that_does_not_answer_or_refuses_the_key_is_one_clear_line(tmp_path):
    """A CI job pointed at the wrong address, or given no key or the wrong one: the failure says which, and how
    to mend it, instead of a connection traceback per test."""
    import socket

    from sandbox.testing.server import LiveServer

    suite = tmp_path / "partner-suite"
    shutil.copytree(EXAMPLE, suite)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        nobody = f"http://127.0.0.1:{probe.getsockname()[1]}"  # closed once bound: nothing listens there
    finished = run_pytest(suite, "-q", f"--sandbox-url={nobody}", "test_confirm_acceptance.py",
                          env={"MCA_SANDBOX_WAIT": "0.5"})
    assert finished.returncode != 0
    assert f"No sandbox answers at {nobody}" in finished.stdout and "Traceback" not in finished.stdout, finished.stdout[-3000:]

    with LiveServer({"CONTROL_API_KEY": "the-right-key"}) as server:
        for env, hint in (({}, "set MCA_SANDBOX_CONTROL_API_KEY to it"),
                          ({"MCA_SANDBOX_CONTROL_API_KEY": "a-wrong-key"}, "MCA_SANDBOX_CONTROL_API_KEY is not this "
                                                                          "sandbox's control key")):
            finished = run_pytest(suite, "-q", f"--sandbox-url={server.url}", "test_confirm_acceptance.py", env=env)
            assert finished.returncode != 0 and hint in finished.stdout, finished.stdout[-3000:]


def test_the_control_client_waits_for_a_sandbox_that_is_starting(monkeypatch):
    """A CI job starts the sandbox and the suite at once, or the sandbox restarts mid-run: calls wait for it
    (MCA_SANDBOX_WAIT) instead of failing the whole run; once it has not come in that time, they fail at once."""
    import socket
    import threading

    from werkzeug.serving import make_server

    from sandbox.app import create_app
    from sandbox.testing.control import ControlClient, ControlError

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("MCA_SANDBOX_WAIT", "20")
    client = ControlClient(f"http://127.0.0.1:{port}")
    app = create_app({"DATABASE_URL": "sqlite://", "SECRET_KEY": "t"})
    servers = []

    def start_later():
        servers.append(make_server("127.0.0.1", port, app, threaded=True))
        servers[0].serve_forever()

    later = threading.Timer(1.0, start_later)
    later.start()
    try:
        assert client.health()["status"] == "ok"
    finally:
        while not servers and later.is_alive():
            later.join(0.05)
        if servers:
            servers[0].shutdown()
            servers[0].server_close()
        later.join(5)
        app.extensions["engine"].dispose()
    monkeypatch.setenv("MCA_SANDBOX_WAIT", "0.3")
    gone = ControlClient(f"http://127.0.0.1:{port}")
    with pytest.raises(ControlError, match="No sandbox answers"):
        gone.health()
    started = time.monotonic()
    with pytest.raises(ControlError):
        gone.health()  # it has given up: no second wait
    assert time.monotonic() - started < 0.25
