"""Test-only pauses at named points, so the fault tests (tests/faults/) can kill -9 a process
at an exact moment instead of sleeping and hoping.

Nothing happens unless ``TRUCE_FAULT_PAUSE`` is set, which only tests/faults does, for the
processes it starts. ``TRUCE_FAULT_PAUSE="import.write,run.solve"`` makes the first process
that reaches one of these points write its pid to ``$TRUCE_FAULT_DIR/<point>`` and sleep
(``TRUCE_FAULT_SECONDS``, default 120) so the test can kill it there. The file makes the pause
one-shot: a later process (the retry) passes the point.

Points:
  import.check  an import has written its first progress while checking rows (no transaction)
  import.write  an import has inserted all its rows, inside its transaction, before the commit
  run.solve     a run is claimed by the worker and about to be solved
  run.start     a run row is created, inside run_start's transaction, before the commit
"""

from __future__ import annotations

import os
import time
from pathlib import Path


def pause(point: str) -> None:
    wanted = os.environ.get("TRUCE_FAULT_PAUSE")
    if not wanted or point not in wanted.split(","):
        return
    folder = Path(os.environ["TRUCE_FAULT_DIR"])
    draft = folder / f".{point}.{os.getpid()}"
    draft.write_text(str(os.getpid()))
    try:
        os.link(draft, folder / point)  # atomic and exclusive: only the first process pauses
    except FileExistsError:
        return
    finally:
        draft.unlink()
    time.sleep(float(os.environ.get("TRUCE_FAULT_SECONDS", "120")))
