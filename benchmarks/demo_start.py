#!/usr/bin/env python
"""How long `firsthand serve --demo` takes on a fresh data dir until /healthz answers (migrations + demo data).

    python benchmarks/demo_start.py [--runs 3]

The last line printed is one JSON object: seconds per run, the median and the slowest.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

FIRSTHAND = str(Path(sys.executable).parent / "firsthand")


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def one_start() -> float:
    with tempfile.TemporaryDirectory() as data_dir:
        port = free_port()
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        started = time.monotonic()
        server = subprocess.Popen(  # nosec B603 # our own command line
            [FIRSTHAND, "serve", "--demo", "--data-dir", data_dir, "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            while True:
                if server.poll() is not None:
                    raise SystemExit(f"firsthand serve --demo exited with {server.returncode}")
                try:
                    if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                        return time.monotonic() - started
                except httpx.HTTPError:
                    pass
                if time.monotonic() - started > 600:
                    raise SystemExit("no answer on /healthz within 10 minutes")
                time.sleep(0.2)
        finally:
            server.terminate()
            server.wait(timeout=60)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    seconds = []
    for n in range(args.runs):
        seconds.append(one_start())
        print(f"run {n + 1}: healthy after {seconds[-1]:.1f} s", flush=True)
    print(
        json.dumps(
            {
                "runs": [round(s, 1) for s in seconds],
                "median_s": round(statistics.median(seconds), 1),
                "slowest_s": round(max(seconds), 1),
            }
        )
    )


if __name__ == "__main__":
    main()
