"""Rule-id tags (``@R-OPT1-NEW-4``) as registered pytest markers, so ``--strict-markers`` accepts them
and ``pytest -m R-OPT1-NEW-4`` selects the scenarios of one rule."""

from __future__ import annotations

import re
from pathlib import Path

RULE_TAG = re.compile(r"(?<![\w-])@(R-[A-Z0-9]+(?:-[A-Z0-9]+)*)")


def rule_ids(features_dir: Path) -> set[str]:
    """Every rule id that a feature file under ``features_dir`` uses as a tag."""
    found: set[str] = set()
    for path in sorted(Path(features_dir).rglob("*.feature")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.lstrip().startswith("@"):
                found.update(RULE_TAG.findall(line))
    return found


def register_rule_markers(config, features_dir: Path) -> set[str]:
    """Register a marker per rule id found in the feature files."""
    ids = rule_ids(features_dir)
    for rule_id in sorted(ids):
        config.addinivalue_line("markers", f"{rule_id}: scenarios of rule {rule_id} (the acceptance-flows spec)")
    return ids
