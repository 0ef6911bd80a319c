"""truce/domain stays pure Python: no Django, no app modules (STYLE.md habit 5)."""

from __future__ import annotations

import ast
from pathlib import Path

DOMAIN = Path(__file__).resolve().parents[1]


def _imports(tree: ast.AST) -> list[str]:
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.append(node.module)
    return names


def _forbidden(name: str) -> bool:
    top = name.split(".")[0]
    in_app = top == "truce" and name != "truce.domain" and not name.startswith("truce.domain.")
    return top == "django" or in_app


def test_domain_imports_neither_django_nor_the_apps() -> None:
    files = sorted(DOMAIN.rglob("*.py"))
    assert len(files) > 5
    offenders = [
        f"{path.relative_to(DOMAIN)}: {name}"
        for path in files
        for name in _imports(ast.parse(path.read_text(encoding="utf-8")))
        if _forbidden(name)
    ]
    assert offenders == []


def test_the_check_catches_offenders() -> None:
    tree = ast.parse("import django.db\nfrom truce.core import x\nfrom truce.domain import y")
    assert [n for n in _imports(tree) if _forbidden(n)] == ["django.db", "truce.core"]
