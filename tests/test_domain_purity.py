"""The domain is pure: no framework, ORM, schema or fake-data library, and no reading of the system time."""

from __future__ import annotations

import ast
import pathlib

import pytest

DOMAIN = pathlib.Path(__file__).resolve().parents[1] / "sandbox" / "domain"
SERVICES = pathlib.Path(__file__).resolve().parents[1] / "sandbox" / "services"
FORBIDDEN = ("flask", "sqlalchemy", "marshmallow", "faker", "werkzeug", "jinja2")


def imported_modules(path: pathlib.Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", sorted(DOMAIN.glob("*.py")), ids=lambda p: p.name)
def test_domain_module_imports_no_framework(path):
    bad = {name for name in imported_modules(path) if name.split(".")[0] in FORBIDDEN}
    assert not bad, f"{path.name} imports {sorted(bad)}"


@pytest.mark.parametrize("path", sorted([*DOMAIN.glob("*.py"), *SERVICES.rglob("*.py")]),
                         ids=lambda p: str(p.relative_to(SERVICES.parent)))
def test_no_system_time_in_domain_or_services(path):
    source = path.read_text()
    for call in ("datetime.now(", "datetime.utcnow(", "date.today(", "time.time("):
        assert call not in source, f"{path.name} reads the system time with {call}; use the tenant's clock"
