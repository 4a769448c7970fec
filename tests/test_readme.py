"""The README's two set-up commands are the contract CI runs: keep them true."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```\n(.+?)\n```", text)[:2]


def test_readme_starts_with_install_and_test_commands():
    run_cmd, test_cmd = _readme_commands()
    assert "requirements.txt" in run_cmd and "streamlit run app.py" in run_cmd
    assert "konvergensi build" in run_cmd  # the demo database is built before the app starts
    assert "requirements-dev.txt" in test_cmd and "pytest" in test_cmd


def test_ci_runs_the_readme_test_command():
    _, test_cmd = _readme_commands()
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert test_cmd in ci.splitlines()


def test_requirements_are_pinned():
    for name in ("requirements.txt", "requirements-dev.txt"):
        for line in (ROOT / name).read_text().splitlines():
            line = line.split("#")[0].strip()
            if line and not line.startswith("-r"):
                assert "==" in line, f"{name}: {line} is not pinned"
