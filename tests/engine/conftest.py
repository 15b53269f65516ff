"""Engine tests share engine_sim (this folder is on sys.path under pytest's default import mode)."""

import sys
from pathlib import Path

HERE = str(Path(__file__).parent)
if HERE not in sys.path:
    sys.path.insert(0, HERE)
