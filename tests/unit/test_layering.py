"""The layering contracts in pyproject.toml ([tool.importlinter]) hold: the kernel imports no
service, no service imports another, domain rules import no framework."""
import os
import subprocess
import sys

from tests.support import ROOT


def test_the_import_contracts_hold():
    lint = os.path.join(os.path.dirname(sys.executable), "lint-imports")
    done = subprocess.run([lint, "--no-cache"], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout and "3 kept" in done.stdout
