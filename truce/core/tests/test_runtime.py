"""The web process's collector set-up (truce.core.runtime), in a fresh interpreter since it
changes the process it runs in."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_the_wsgi_module_settles_the_collector():
    code = (
        "import gc, truce.wsgi\n"
        "from truce.core.runtime import THRESHOLDS\n"
        "assert gc.get_threshold() == THRESHOLDS, gc.get_threshold()\n"
        "assert gc.get_freeze_count() > 50_000, gc.get_freeze_count()\n"
        "import sys; assert 'truce.requirements.views' in sys.modules\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "truce.settings", "TRUCE_MANIFEST_STATIC": "0"}
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
