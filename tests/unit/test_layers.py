"""Issue 11 item 4: the layers are declared as import-linter contracts in pyproject.toml and
kept; the check fails when a module breaks them (here: the domain importing the database)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.support import ROOT

LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(tree: Path) -> subprocess.CompletedProcess[str]:
    """``lint-imports`` with the project's contracts over the copy of the code in ``tree``."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tree / "src"), str(tree)])}
    return subprocess.run([str(LINT_IMPORTS), "--no-cache", "--no-logo", "--config", str(tree / "pyproject.toml")],
                          cwd=tree, env=env, capture_output=True, text=True, timeout=120)


def copy_of_the_code(tmp_path: Path) -> Path:
    tree = tmp_path / "tree"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "templates")
    for part in ("src/hoering", "flows", "deployments"):
        shutil.copytree(ROOT / part, tree / part, ignore=ignore)
    shutil.copy(ROOT / "pyproject.toml", tree / "pyproject.toml")
    return tree


def test_the_contracts_are_kept_and_a_domain_module_importing_the_database_breaks_them(tmp_path: Path):
    tree = copy_of_the_code(tmp_path)
    kept = lint_imports(tree)
    assert kept.returncode == 0, kept.stdout + kept.stderr
    contracts = (tree / "pyproject.toml").read_text().count("[[tool.importlinter.contracts]]")
    assert contracts >= 3 and f"Contracts: {contracts} kept, 0 broken." in kept.stdout

    (tree / "src/hoering/domain/leak.py").write_text(
        '"""A domain module that reaches for the database."""\n\nfrom hoering.db.models import Hearing\n\n'
        "__all__ = ['Hearing']\n")
    broken = lint_imports(tree)
    assert broken.returncode != 0
    assert "hoering.domain is not allowed to import hoering.db" in broken.stdout
    assert "hoering.domain.leak -> hoering.db.models" in broken.stdout
    assert "The domain imports no framework BROKEN" in broken.stdout  # db brings SQLAlchemy along


def test_a_migration_importing_the_application_breaks_the_contract(tmp_path: Path):
    tree = copy_of_the_code(tmp_path)
    (tree / "src/hoering/db/migrations/versions/9999_leak.py").write_text(
        '"""A migration that calls a rule of the application."""\n\nfrom hoering.mail.redact import LINK\n\n'
        "__all__ = ['LINK']\n")
    broken = lint_imports(tree)
    assert broken.returncode != 0
    assert "hoering.db.migrations.versions.9999_leak -> hoering.mail.redact" in broken.stdout


def test_no_module_imports_itself_back_even_from_inside_a_function():
    """No import cycles between modules: grimp counts imports inside functions too, so an
    import moved into a function to hide a cycle is found here."""
    import grimp

    graph = grimp.build_graph("hoering", "flows", "deployments", cache_dir=None)
    cycles = []
    for module in sorted(graph.modules):
        for imported in graph.find_modules_directly_imported_by(module):
            if imported in graph.modules and module < imported and graph.chain_exists(
                    importer=imported, imported=module):
                cycles.append(f"{module} <-> {imported}: {graph.find_shortest_chain(imported, module)}")
    assert cycles == []


def test_every_top_level_module_has_a_layer():
    """A new package under hoering cannot escape the contract by not being named in it."""
    import pkgutil
    import re
    import tomllib

    import hoering

    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    (layers,) = [c["layers"] for c in config["contracts"] if c["type"] == "layers"]
    named = {m for line in layers for m in re.split(r"\s*[|:]\s*", line.strip("()"))}
    modules = {f"hoering.{m.name}" for m in pkgutil.iter_modules(hoering.__path__)} - {"hoering.templates"}
    assert len(modules) > 15 and modules - named == set()
