"""Badge printing benchmark (issue 6): the badges of every resident aged 60 and over in the demo
at ``--scale 1`` (about 4,400) as one PDF.

    .venv/bin/python bench/bench_badges.py --passes 3

The scale-1 demo is built on first use in ``--data-dir`` (default: a folder under the system temp
directory, shared with bench_today) and copied (SQLite backup) into a temporary folder: the job
writes (badge numbers, the register, the audit event), never into the demo itself.

Timed, as the demo administrator (``Perm.EDIT``, every grid):

* *job*: ``badges.job.write_pdf(db, out, BadgeChoice(all_60plus=True), layout)`` — reading who and
  what, fitting and encoding every QR, drawing every page, the numbers and the register written
  and the file put in place (the whole of ``chang-shan badges --all-60plus``); its parts are timed
  separately: ``prepare`` (selection, badge data, QR fitting and encoding) and ``render`` (the
  reportlab renderer on the prepared pages); QR codes are made afresh for each (the cache of
  ``qr.encode`` is cleared first);
* *job_after_preview*: the same job right after another, as 保存 PDF… runs after the print
  dialog's preview prepared the batch: the codes come from the cache;
* *the baseline*: reportlab alone drawing the same pages — for every page, the same number of
  strings (``drawString`` in one embedded TrueType font, the same texts at the same places) and
  of images (each badge's QR as a PIL image through ``drawImage``, and its photo file), nothing
  else: no database, no QR encoding, no font fallback, no lines or boxes. The images are made
  before the clock starts; page streams are encoded as the renderer does (Flate, no ASCII85).

Targets: the job under 20 s, and within 2× the baseline measured in the same pass. Each figure is
the median over ``--passes`` passes (a first pass warms the caches and is dropped unless
``--passes 1``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PIL import Image  # noqa: E402
from reportlab.lib.units import mm  # noqa: E402
from reportlab.lib.utils import ImageReader  # noqa: E402
from reportlab.pdfgen.canvas import Canvas  # noqa: E402

from chang_shan.accounts.signin import sign_in  # noqa: E402
from chang_shan.badges import job, qr  # noqa: E402
from chang_shan.badges.drawing import ImageItem, PageDrawing, QrItem, TextItem  # noqa: E402
from chang_shan.badges.layouts import pages  # noqa: E402
from chang_shan.badges.shapes import BadgeChoice  # noqa: E402
from chang_shan.db.database import Database  # noqa: E402
from chang_shan.demo.builder import DEMO_ADMIN_PASSWORD, DEMO_ADMIN_USER  # noqa: E402
from chang_shan.paths import DataDir  # noqa: E402
from chang_shan.reports import fonts  # noqa: E402
from chang_shan.reports.badges import binary_streams, render_badges  # noqa: E402

JOB_TARGET_S = 20.0
RATIO_TARGET = 2.0


@dataclass
class Baseline:
    """What reportlab alone draws: per page, its size, strings and images (made beforehand)."""

    pages: list[tuple[float, float, list[tuple[float, float, str, float]], list[tuple[float, float, float, object]]]]
    strings: int
    images: int


def baseline_of(drawings: list[PageDrawing]) -> Baseline:
    out = []
    strings = images = 0
    for page in drawings:
        texts, pictures = [], []
        for item in page.items:
            if isinstance(item, TextItem):
                texts.append((item.x * mm, (page.height - item.y) * mm, item.text, item.size))
            elif isinstance(item, QrItem):
                pictures.append((item.x * mm, (page.height - item.y - item.side) * mm, item.side * mm,
                                 item.code.image().convert("L")))
            elif isinstance(item, ImageItem):
                pictures.append((item.x * mm, (page.height - item.y - item.height) * mm, item.width * mm, item.path))
        strings += len(texts)
        images += len(pictures)
        out.append((page.width * mm, page.height * mm, texts, pictures))
    return Baseline(out, strings, images)


def draw_baseline(target: Path, baseline: Baseline, font: str) -> None:
    with binary_streams():  # the same stream encoding as the renderer: like for like
        _draw_baseline(target, baseline, font)


def _draw_baseline(target: Path, baseline: Baseline, font: str) -> None:
    canvas = Canvas(str(target), pageCompression=1)
    for width, height, texts, pictures in baseline.pages:
        canvas.setPageSize((width, height))
        for x, y, text, size in texts:
            canvas.setFont(font, size)
            canvas.drawString(x, y, text)
        for x, y, side, image in pictures:
            source = ImageReader(image) if isinstance(image, Image.Image) else image
            canvas.drawImage(source, x, y, side, side if isinstance(image, Image.Image) else side * 4 / 3)
        canvas.showPage()
    canvas.save()


def copy_database(source: Path, target: Path) -> DataDir:
    copy = DataDir(target)
    copy.ensure()
    src, dst = sqlite3.connect(source / "chang-shan.sqlite3"), sqlite3.connect(copy.database)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
    files = source / "files"
    if files.is_dir():  # photos: linked, not copied (only read)
        copy.files.rmdir()  # empty: just made by ensure()
        copy.files.symlink_to(files, target_is_directory=True)
    return copy


def measure(data_dir: Path, layout: str, passes: int, on: date) -> dict:
    work = Path(tempfile.mkdtemp(prefix="chang-shan-bench-badges-"))
    copy = copy_database(data_dir, work / "data")
    db = Database.open(copy, lock=False)
    try:
        sign_in(db, DEMO_ADMIN_USER, DEMO_ADMIN_PASSWORD)
        font = fonts.chain(fonts.HEI).primary
        samples: dict[str, list[float]] = {"job": [], "job_after_preview": [], "prepare": [], "render": [],
                                           "baseline": []}
        facts: dict = {}
        for n in range(passes):
            keep = n > 0 or passes == 1
            out = work / f"badges-{n}.pdf"
            qr.clear_cache()  # every figure but job_after_preview is for codes not yet made
            started = time.perf_counter()
            result = job.write_pdf(db, out, BadgeChoice(all_60plus=True), layout, today=on)
            job_s = time.perf_counter() - started

            # The print dialog: a preview prepared the batch (codes cached), then 保存 PDF….
            started = time.perf_counter()
            job.write_pdf(db, work / f"again-{n}.pdf", BadgeChoice(all_60plus=True), layout, today=on)
            again_s = time.perf_counter() - started

            qr.clear_cache()
            started = time.perf_counter()
            with db.reader() as session:
                batch = job.prepare(session, BadgeChoice(all_60plus=True), layout, copy.files, today=on)
            prepare_s = time.perf_counter() - started
            started = time.perf_counter()
            render_badges(work / f"render-{n}.pdf", pages(batch.layout, batch.entries), total=batch.pages,
                          title="bench", author="bench")
            render_s = time.perf_counter() - started

            baseline = baseline_of(batch.drawings())
            started = time.perf_counter()
            draw_baseline(work / f"baseline-{n}.pdf", baseline, font)
            baseline_s = time.perf_counter() - started
            if keep:
                for key, value in (("job", job_s), ("job_after_preview", again_s), ("prepare", prepare_s),
                                   ("render", render_s), ("baseline", baseline_s)):
                    samples[key].append(value)
            facts = {
                "badges": result.badges, "pages": result.pages, "strings": baseline.strings,
                "images": baseline.images, "photos": batch.counts.get("photos", 0),
                "shortened": batch.counts.get("shortened", 0), "too_big": batch.counts.get("too_big", 0),
                "pdf_mb": out.stat().st_size / 1e6, "baseline_mb": (work / f"baseline-{n}.pdf").stat().st_size / 1e6,
                "qr_versions": sorted({fitted.version for _d, fitted, _c in batch.entries}),
            }
        return {
            **facts, "layout": layout, "passes_kept": len(samples["job"]),
            "s": {key: statistics.median(values) for key, values in samples.items()},
            "spread_s": {key: [min(values), max(values)] for key, values in samples.items()},
        }
    finally:
        db.close()
        subprocess.run(["rm", "-rf", str(work)], check=False)


def report(result: dict) -> str:
    lines = [f"{result['machine']}; {result['date']}; load average {result['load_before']:.1f} before, "
             f"{result['load_after']:.1f} after; demo --scale 1 in {result['data_dir']}"]
    for run in result["runs"]:
        s, spread = run["s"], run["spread_s"]
        lines.append(f"\nlayout {run['layout']}: {run['badges']:,} badges, {run['pages']:,} pages, "
                     f"{run['strings']:,} strings, {run['images']:,} images ({run['photos']} photos), "
                     f"QR versions {run['qr_versions']}, {run['shortened']} shortened, {run['too_big']} too big; "
                     f"PDF {run['pdf_mb']:.1f} MB (baseline {run['baseline_mb']:.1f} MB); "
                     f"median of {run['passes_kept']} passes")
        for key in ("job", "job_after_preview", "prepare", "render", "baseline"):
            lines.append(f"  {key:17s} {s[key]:7.2f} s   ({spread[key][0]:.2f}–{spread[key][1]:.2f})")
        ratio = s["job"] / s["baseline"]
        lines.append(f"  job {s['job']:.1f} s against the target {JOB_TARGET_S:.0f} s: "
                     f"{'met' if s['job'] < JOB_TARGET_S else 'NOT met'}; "
                     f"{ratio:.2f}× the baseline against the target {RATIO_TARGET:.0f}×: "
                     f"{'met' if ratio <= RATIO_TARGET else 'NOT met'} "
                     f"(render alone {s['render'] / s['baseline']:.2f}×)")
    return "\n".join(lines)


def ensure_demo(data_dir: Path) -> None:
    if not (data_dir / "chang-shan.sqlite3").exists():
        print(f"building the demo at --scale 1 in {data_dir} …", file=sys.stderr, flush=True)
        subprocess.run([sys.executable, "-m", "chang_shan", "--data-dir", str(data_dir), "demo", "--scale", "1"],
                       check=True, stdout=subprocess.DEVNULL)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, default=Path(tempfile.gettempdir()) / "chang-shan-bench1",
                        help="a data folder with the demo at --scale 1 (built on first use)")
    parser.add_argument("--layout", action="append", choices=("sheet", "card", "label"),
                        help="layouts to measure (default: sheet)")
    parser.add_argument("--passes", type=int, default=3, help="passes (the first warms up)")
    parser.add_argument("--on", type=date.fromisoformat, default=None, help="the day ages are counted on")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    ensure_demo(args.data_dir)
    on = args.on or date.today()
    load_before = os.getloadavg()[0]
    runs = [measure(args.data_dir, layout, args.passes, on) for layout in (args.layout or ["sheet"])]
    result = {
        "runs": runs, "date": date.today().isoformat(), "data_dir": str(args.data_dir),
        "load_before": load_before, "load_after": os.getloadavg()[0],
        "machine": f"{platform.platform()}, Python {platform.python_version()}, {os.cpu_count()} cores",
    }
    print(json.dumps(result, ensure_ascii=False, indent=2) if args.json else report(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
