"""What a hostile setup costs the server: the duplicate-name check over many names (the engine's own
make_setup, once quadratic), and the time the API takes to refuse such a body (a real app, a real file).

    .venv/bin/python benchmarks/web_bad_input.py [--names 31000]

Figures: seconds of CPU per call, with the core count; the bare baseline is a set() over the same names.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from facilitator.engine import SetupError, make_setup  # noqa: E402
from facilitator.service import MeetingService  # noqa: E402
from methods import load_library  # noqa: E402
from web import create_app  # noqa: E402


def cpu(fn) -> float:
    start = time.process_time()
    fn()
    return time.process_time() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--names", type=int, default=31_000)
    n = parser.parse_args().names
    library = load_library(None)
    method = library.get("case-clinic")
    names = [f"Deelnemer {i}" for i in range(n)]
    print(f"cores: {os.cpu_count()}  names: {n}")
    print(f"baseline set() of casefolded names: {cpu(lambda: set(x.casefold() for x in names)):.4f} s")
    print(f"make_setup duplicate check:          {cpu(lambda: make_setup(method, names, names[0])):.4f} s")
    with tempfile.TemporaryDirectory() as folder:
        service = MeetingService(Path(folder), library)
        app = create_app(service, {"DATA_DIR": Path(folder)})
        client = app.test_client()
        within = names[:5_000]  # stays under the 256 KiB body limit, so the participant limit answers
        body = json.dumps({"method": "case-clinic", "participants": within, "inbrenger": names[0]})
        headers = {"Authorization": f"Bearer {app.config['API_TOKEN']}", "Content-Type": "application/json"}
        status = []
        took = cpu(lambda: status.append(client.post("/api/meetings", data=body, headers=headers).status_code))
        print(f"POST /api/meetings with {len(within)} names: {took:.4f} s -> {status[0]}")
        start = time.process_time()
        try:
            service.create("case-clinic", names, names[0])
        except SetupError as exc:
            print(f"service.create with {n} names: {time.process_time() - start:.4f} s, refused ({exc})")


if __name__ == "__main__":
    main()
