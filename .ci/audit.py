"""Audit the installed dependencies against PyPI's vulnerability data (pip-audit): `make audit`.

Fails when a known vulnerability has a fixed release to move to; one without a fix yet is listed, not fatal.
Packages whose vulnerability data cannot be fetched (pypi.org/pypi/NAME/VERSION/json, which some sandboxed
registries do not serve) are counted and named in a warning: the audit then proves nothing about them.
"""

from __future__ import annotations

import json
import subprocess
import sys


def main() -> int:
    audit = subprocess.run(
        [sys.executable, "-m", "pip_audit", "--local", "--skip-editable", "--progress-spinner", "off",
         "--format", "json", "--desc", "off"],
        capture_output=True, text=True, check=False)
    try:
        report = json.loads(audit.stdout)
    except json.JSONDecodeError:
        print(f"pip-audit could not audit (status {audit.returncode}):\n{audit.stderr}", file=sys.stderr)
        return 2
    fixable = 0
    unaudited = [dependency["name"] for dependency in report["dependencies"] if "skip_reason" in dependency]
    for dependency in report["dependencies"]:
        for vulnerability in dependency.get("vulns", []):
            fixes = ", ".join(vulnerability["fix_versions"]) or "no fix released yet"
            fixable += bool(vulnerability["fix_versions"])
            print(f"{dependency['name']} {dependency['version']}: {vulnerability['id']} (fixed in: {fixes})")
    audited = len(report["dependencies"]) - len(unaudited)
    print(f"{audited} packages audited, {fixable} known vulnerabilities with a fix")
    if unaudited:
        print(f"WARNING: {len(unaudited)} packages could not be audited (no vulnerability data from the registry): "
              + ", ".join(unaudited), file=sys.stderr)
    return 1 if fixable else 0


if __name__ == "__main__":
    sys.exit(main())
