"""A failed test's evidence: where it is written (``--output``, default ``test-results/``, one folder per
test, the folder pytest-playwright would use), the request journal of every tenant the test made, and
how each piece is attached to the reports (JUnit ``<property>`` elements, pytest-html extras).

Kinds of evidence: ``screenshot`` (PNG), ``trace`` (Playwright trace, ``playwright show-trace``),
``video`` (WebM) and ``journal`` (JSON: what the sandbox got and answered for the tenant).
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import os
from pathlib import Path

import pytest

ARTIFACTS = pytest.StashKey[list]()  # [(kind, path)] kept for an item, attached to its teardown report
EMBED_LIMIT = 20 * 1024 * 1024  # a self-contained report embeds traces up to this size, links bigger ones


def output_folder(item) -> Path:
    """The test's own folder under ``--output``, as pytest-playwright names it."""
    from slugify import slugify

    root = Path(item.config.getoption("--output", default="test-results") or "test-results")
    name = slugify(item.nodeid)
    if len(name) >= 256:
        name = f"{name[:100]}-{hashlib.sha256(name.encode()).hexdigest()[:7]}-{name[-100:]}"
    retry = getattr(item, "execution_count", 1) - 1
    if retry:
        name += f"-retry{retry}"
    return (root if root.is_absolute() else Path(item.config.invocation_params.dir, root)) / name


def keep(item, kind: str, path: Path) -> None:
    """Record a file the test left as evidence (attached to the reports at its teardown)."""
    item.stash.setdefault(ARTIFACTS, []).append((kind, str(path)))


# --- the journal ---------------------------------------------------------------------------


def tenant_ids(item) -> list[str]:
    """The tenants made during this test through the run's sandbox (see :mod:`.plugin`)."""
    from .plugin import SANDBOX, TENANTS_BEFORE

    sandbox = item.config.stash.get(SANDBOX, None)
    if sandbox is None:
        return []
    return sandbox.control.created[item.stash.get(TENANTS_BEFORE, 0):]


def write_journals(item, report) -> None:
    """Fetch the journal of each tenant the failed test made and keep it with the test's evidence."""
    from .plugin import SANDBOX

    journals: dict[str, dict] = {}
    sandbox = item.config.stash.get(SANDBOX, None)
    for tenant_id in tenant_ids(item):
        journals[tenant_id] = _fetch(lambda tid=tenant_id: sandbox.control.journal(tid))
    gone = [tenant_id for tenant_id, journal in journals.items() if journal.get("status") == 404]
    if gone:  # on a shared sandbox someone else may delete it: say so, beside a timeout that wouldn't
        said = (f"The test's tenant {', '.join(gone)} no longer exists: it was deleted while the test ran (by the "
                "test, or through the sandbox's control API).")
        if hasattr(report.longrepr, "addsection"):  # in the failure itself: the terminal and JUnit show it
            report.longrepr.addsection("mca-sandbox", said)
        else:
            report.sections.append(("mca-sandbox", said))
    if not journals:
        return
    folder = output_folder(item)
    folder.mkdir(parents=True, exist_ok=True)
    for tenant_id, journal in journals.items():
        path = folder / f"journal-{tenant_id}.json"
        path.write_text(json.dumps(journal, indent=2, default=str), encoding="utf-8")
        item.user_properties.append(("sandbox_journal", _for_report(item.config, path)))  # in the JUnit XML
        add_extra(item.config, report, "html", _journal_html(tenant_id, journal), "Journal")


def _fetch(read) -> dict:
    try:
        return read()
    except Exception as exc:  # a sandbox that is gone must not hide the test's own failure
        return {"error": f"{type(exc).__name__}: {exc}", "status": getattr(exc, "status", None), "items": []}


def _journal_html(tenant_id: str, journal: dict) -> str:
    rows = "".join(
        f"<tr><td>{html.escape(str(e.get('time') or ''))}</td><td>{html.escape(str(e.get('method')))}</td>"
        f"<td>{html.escape(str(e.get('path')))}</td><td>{html.escape(str(e.get('status')))}</td>"
        f"<td>{html.escape(str(e.get('operation') or ''))}</td></tr>"
        for e in journal.get("items", [])
    )
    full = html.escape(json.dumps(journal, indent=2, default=str))
    count = len(journal.get("items", []))
    error = f"<p>{html.escape(journal['error'])}</p>" if journal.get("error") else ""
    return (
        f'<div class="sandbox-journal"><h4>Sandbox journal of tenant {html.escape(tenant_id)} ({count} exchanges)</h4>'
        f"{error}<table><tr><th>time (tenant clock)</th><th>method</th><th>path</th><th>status</th><th>operation</th></tr>"
        f"{rows}</table><details><summary>Requests and answers (JSON)</summary><pre>{full}</pre></details></div>"
    )


# --- attaching files to the reports -----------------------------------------------------------


def attach_artifacts(item, report) -> None:
    """Put the test's kept files on its teardown report: JUnit properties and pytest-html extras."""
    artifacts = item.stash.get(ARTIFACTS, [])
    if not artifacts:
        return
    item.stash[ARTIFACTS] = []
    config = item.config
    for kind, path in artifacts:
        report.user_properties.append((f"playwright_{kind}", _for_report(config, Path(path))))  # JUnit XML
    if not _html_report(config):
        return
    embed = bool(config.getoption("self_contained_html", default=False))
    for kind, path in artifacts:
        name = Path(path).name
        if kind in ("screenshot", "video"):
            content = base64.b64encode(Path(path).read_bytes()).decode() if embed else _link(config, path)
            add_extra(config, report, "png" if kind == "screenshot" else "video", content, f"{kind.title()} {name}")
        elif kind == "trace":
            size = Path(path).stat().st_size
            if embed and size <= EMBED_LIMIT:
                href = "data:application/zip;base64," + base64.b64encode(Path(path).read_bytes()).decode()
            else:
                href = _link(config, path)
            add_html(config, report,
                     f'<p>Playwright trace: <a download="{html.escape(name)}" href="{href}">{html.escape(name)}</a>'
                     f" ({size // 1024} KiB; open with <code>playwright show-trace {html.escape(name)}</code>)</p>")


def _html_report(config):
    """pytest-html's plugin when it writes a report in this run, else None."""
    plugin = config.pluginmanager.getplugin("html")
    return plugin if plugin is not None and getattr(config.option, "htmlpath", None) else None


def add_html(config, report, content: str) -> None:
    """Add a block of HTML to the test's row of the HTML report (when pytest-html writes one)."""
    add_extra(config, report, "html", content, "")


def add_extra(config, report, kind: str, content: str, name: str) -> None:
    """Add a pytest-html extra (``png``, ``video`` or ``html``) to a report, when an HTML report is made."""
    plugin = _html_report(config)
    if plugin is None:
        return
    extras = plugin.extras
    make = {"png": extras.png, "html": extras.html, "video": extras.video}[kind]
    extra = make(content) if kind == "html" else make(content, name=name)
    report.extras = [*getattr(report, "extras", []), extra]


def _link(config, path: str) -> str:
    """A path relative to the HTML report's folder (pytest-html resolves --html against the start folder)."""
    from urllib.parse import quote

    html_dir = Path(config.invocation_params.dir, os.path.expandvars(config.option.htmlpath)).parent
    try:
        return quote(Path(os.path.relpath(path, html_dir)).as_posix())
    except ValueError:
        return Path(path).as_uri()


def _for_report(config, path: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(Path(config.invocation_params.dir).resolve()))
    except ValueError:
        return str(path)
