"""The layering contracts in pyproject.toml ([tool.importlinter]) hold: the kernel imports no
service, no service imports another, domain rules import no framework, use cases import no transport."""
import os
import subprocess
import sys
import tomllib

from tests.support import ROOT


def test_the_import_contracts_hold():
    lint = os.path.join(os.path.dirname(sys.executable), "lint-imports")
    done = subprocess.run([lint, "--no-cache"], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    with open(os.path.join(ROOT, "pyproject.toml"), "rb") as f:
        declared = len(tomllib.load(f)["tool"]["importlinter"]["contracts"])
    assert f"{declared} kept, 0 broken" in done.stdout, done.stdout
