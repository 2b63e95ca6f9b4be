"""``index.html`` of a demo run: the journeys in order, each with its videos and its steps, each step with
its text, its data table and the screenshot taken after it. One file with its own CSS and no script; it
links only the videos and screenshots beside it, so the folder can be zipped and shown anywhere."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from html import escape
from pathlib import Path

CSS = """
body { font-family: "Segoe UI", system-ui, sans-serif; margin: 0; color: #1b1b1b; background: #f5f5f5; }
header { background: #0f6cbd; color: white; padding: 24px 40px; }
header h1 { margin: 0 0 4px; font-size: 26px; font-weight: 600; }
header p { margin: 0; opacity: .9; }
nav, section { max-width: 1200px; margin: 24px auto; background: white; padding: 24px 32px;
  border-radius: 8px; box-shadow: 0 1px 3px rgba(0,0,0,.12); }
nav ol { margin: 0; padding-left: 22px; line-height: 1.8; }
h2 { margin-top: 0; font-weight: 600; }
.scenario { color: #555; margin-top: -8px; }
.description { white-space: pre-line; color: #333; }
.videos { display: flex; flex-wrap: wrap; gap: 16px; margin: 16px 0; }
.videos figure { margin: 0; flex: 1 1 480px; }
video { width: 100%; border: 1px solid #ddd; border-radius: 4px; background: black; }
figcaption { font-size: 13px; color: #555; }
ol.steps { padding-left: 0; list-style: none; counter-reset: step; }
ol.steps li { display: grid; grid-template-columns: 1fr 340px; gap: 16px; padding: 10px 0;
  border-top: 1px solid #eee; }
.text b { color: #0f6cbd; }
.failed .text b, .failed .text { color: #c50f1f; }
table { border-collapse: collapse; margin: 6px 0 0; font-size: 13px; }
td { border: 1px solid #ddd; padding: 2px 8px; }
.shot img { width: 340px; border: 1px solid #ddd; border-radius: 4px; }
.shot small { display: block; color: #777; }
.meta { font-size: 12px; color: #777; }
.status-failed { color: #c50f1f; font-weight: 600; }
"""


def write_index(output: Path, *, sandbox_url: str, mode: str) -> Path:
    """Write ``output/index.html`` from ``output/journeys.json``; answer its path."""
    journeys = json.loads((output / "journeys.json").read_text(encoding="utf-8"))
    made = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    contents = "".join(
        f'<li><a href="#journey-{j["number"]}">{escape(j["feature"])}</a>'
        f'{" <span class=status-failed>(failed)</span>" if j["status"] != "passed" else ""}</li>'
        for j in journeys
    )
    body = "".join(_journey(j) for j in journeys)
    page = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Microsoft Customer Agreement acceptance: demo</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>{CSS}</style></head>
<body><header><h1>Microsoft Customer Agreement acceptance, end to end</h1>
<p>Partner Center and the Microsoft 365 admin center, played in mca-sandbox ({escape(mode)}, {escape(made)}).
Every partner and customer is made up, on a freshly seeded sandbox ({escape(sandbox_url)}).</p></header>
<nav><h2>Journeys</h2><ol>{contents}</ol></nav>
{body}
</body></html>
"""
    path = output / "index.html"
    path.write_text(page, encoding="utf-8")
    return path


def _journey(journey: dict) -> str:
    videos = "".join(
        f'<figure><video controls preload="metadata" src="{escape(path)}"></video>'
        f"<figcaption>{escape(whose.title())}'s browser</figcaption></figure>"
        for whose, path in journey["videos"]
    )
    steps = "".join(_step(step) for step in journey["steps"])
    failed = "" if journey["status"] == "passed" else '<p class="status-failed">This journey failed.</p>'
    return (
        f'<section id="journey-{journey["number"]}"><h2>{journey["number"]}. {escape(journey["feature"])}</h2>'
        f'<p class="scenario">{escape(journey["scenario"])} · {journey["seconds"]:.0f} s</p>'
        f'<p class="description">{escape(journey["description"].strip())}</p>{failed}'
        f'<div class="videos">{videos}</div><ol class="steps">{steps}</ol></section>'
    )


def _step(step: dict) -> str:
    table = ""
    if step["table"]:
        rows = "".join("<tr>" + "".join(f"<td>{escape(str(cell))}</td>" for cell in row) + "</tr>" for row in step["table"])
        table = f"<table>{rows}</table>"
    shot = ""
    if step["screenshot"]:
        shot = (f'<a href="{escape(step["screenshot"])}"><img loading="lazy" src="{escape(step["screenshot"])}" '
                f'alt="{escape(step["text"])}"></a><small>{escape((step["who"] or "").title())}\'s browser</small>')
    return (
        f'<li class="{escape(step["status"])}"><div class="text"><b>{escape(step["keyword"])}</b> {escape(step["text"])}'
        f'{table}<div class="meta">{step["seconds"]:.1f} s{" · failed" if step["status"] != "passed" else ""}</div>'
        f'</div><div class="shot">{shot}</div></li>'
    )
