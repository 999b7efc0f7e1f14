"""``python -m bench`` (``./dev.sh bench``): every benchmark on one demo database at --scale 15.

The database is built on first use (about 20 s) in ``--data-dir`` (default: a folder under the
system temp directory) and reused afterwards. Each benchmark prints its figures; copy them into
docs/benchmarks.md with the command that produced them. ``bench_today`` also measures the demo at
--scale 1, built on first use in a folder of its own under the system temp directory.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

BENCHMARKS = (
    ("bench.bench_search", ["--passes", "5"]),
    ("bench.bench_startup", ["--runs", "9"]),
    ("bench.bench_today", ["--passes", "5"]),  # also builds and measures the demo at --scale 1
)


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--data-dir", type=Path, default=Path(tempfile.gettempdir()) / "chang-shan-bench15")
    parser.add_argument("--scale", type=int, default=15)
    args = parser.parse_args()
    if not (args.data_dir / "chang-shan.sqlite3").exists():
        print(f"building the demo at --scale {args.scale} in {args.data_dir} …", flush=True)
        subprocess.run([sys.executable, "-m", "chang_shan", "--data-dir", str(args.data_dir), "demo",
                        "--scale", str(args.scale)], check=True)
    for module, extra in BENCHMARKS:
        print(f"\n== {module} ==", flush=True)
        result = subprocess.run([sys.executable, "-m", module, "--data-dir", str(args.data_dir), *extra])
        if result.returncode != 0:
            return result.returncode
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
