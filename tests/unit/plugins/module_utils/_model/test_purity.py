"""The model is pure: no file under module_utils/_model (nor the drill report's renderer, module_utils/_report) imports
anything that reaches the outside world.

Read from the source (``ast``), not by importing, so that a planted import is caught even in code that never
runs. What is refused: process and network access, file and OS access, Ansible's module runtime, and any
package of the collection but the model and the router vendor drivers (``_router/vendors``: what each platform
is sent and how it answers, pure too and held to the same rule here; the transports that do the I/O live
beside them in ``_router`` and are refused).
"""

from __future__ import annotations

import ast
import pathlib

import pytest

from ansible_collections.sipha.network.plugins.module_utils._model import errors

MODEL = pathlib.Path(errors.__file__).parent
VENDORS = MODEL.parent / "_router" / "vendors"
REPORT = MODEL.parent / "_report"
PACKAGE = "ansible_collections.sipha.network.plugins.module_utils"
#: modules whose import means I/O (or a way to it) in a pure model
FORBIDDEN = {"subprocess", "socket", "_socket", "os", "shutil", "tempfile", "glob", "select", "selectors", "signal",
             "fcntl", "threading", "multiprocessing", "asyncio", "urllib", "http", "ssl", "pathlib", "io",
             "syslog", "ctypes", "paramiko", "requests", "ansible.module_utils.basic", "ansible.module_utils.urls",
             "ansible.module_utils.connection", "importlib", "builtins"}
#: the packages pure code may import
PURE = (PACKAGE + "._model", PACKAGE + "._router.vendors", PACKAGE + "._report")
#: names that are I/O without any import
FORBIDDEN_CALLS = {"open", "exec", "eval", "__import__", "input", "print"}


def imported(tree: ast.AST) -> list:
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            names.append(base)
            names += ["%s.%s" % (base, alias.name) for alias in node.names]
    return names


def problems(source: str) -> list:
    """Every forbidden import or call in ``source``, as readable lines (empty: pure)."""
    tree = ast.parse(source)
    found = []
    for name in imported(tree):
        parts = name.split(".")
        if any(".".join(parts[:n]) in FORBIDDEN for n in range(1, len(parts) + 1)):
            found.append("imports %s" % name)
        elif name.startswith(PACKAGE + ".") and not name.startswith(PURE):
            found.append("imports %s, which is neither the model, a vendor driver nor the report" % name)
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in FORBIDDEN_CALLS:
            found.append("calls %s() at line %d" % (node.func.id, node.lineno))
    return found


MODEL_FILES = sorted(MODEL.glob("**/*.py")) + sorted(VENDORS.glob("**/*.py")) + sorted(REPORT.glob("**/*.py"))


def test_the_model_has_files():
    assert len(MODEL_FILES) >= 10


@pytest.mark.parametrize("path", MODEL_FILES, ids=lambda p: "%s/%s" % (p.parent.name, p.name))
def test_model_file_is_pure(path):
    assert problems(path.read_text()) == [], path


@pytest.mark.parametrize("plant", [
    "import subprocess", "from os import path", "import socket as s", "from ansible.module_utils.basic import "
    "AnsibleModule", "from %s._host import runtime" % PACKAGE, "x = open('/etc/passwd')",
    "from %s import _host" % PACKAGE, "from %s._router import cli" % PACKAGE, "from %s._router.cli import X" % PACKAGE,
])
def test_a_planted_import_is_caught(plant):
    source = (MODEL / "checks.py").read_text() + "\n" + plant + "\n"
    assert problems(source), plant
