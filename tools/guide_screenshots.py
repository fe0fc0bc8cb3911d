"""Refresh the guide's pictures (docs/ohje-kuvat/) from the demo dialogues: `python tools/guide_screenshots.py`.

It runs the e2e test that takes them (tests/e2e/test_guide_screenshots.py, which also checks
every page it pictures) with OSUVA_GUIDE_IMAGES pointing at the guide's folder. Needs Chromium,
as the e2e suite does.
"""
import os
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent

if __name__ == "__main__":
    env = {**os.environ, "OSUVA_GUIDE_IMAGES": str(ROOT / "docs" / "ohje-kuvat")}
    sys.exit(subprocess.call([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                              "tests/e2e/test_guide_screenshots.py"], cwd=ROOT, env=env))
