"""Privacy tests: helpers from tests/faults, the network guard for child processes."""

import sys
from pathlib import Path

HERE = Path(__file__).parent
for extra in (str(HERE), str(HERE.parent / "faults")):
    if extra not in sys.path:
        sys.path.insert(0, extra)
