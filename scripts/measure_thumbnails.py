"""Measure what making one thumbnail costs (app/services/thumbnails.render): CPU time, peak memory, output size.

    .venv/bin/python scripts/measure_thumbnails.py             # a few seconds
    .venv/bin/python scripts/measure_thumbnails.py --runs 10

Images are made here (noise, so they compress like photographs rather than flat colour): a 12-megapixel JPEG
(4000x3000, a phone photo), a 4-megapixel PNG with alpha (a screenshot), a 1-megapixel 20-frame GIF and a 2-megapixel
WebP; and a decompression bomb (a 1-bit 20000x20000 PNG, a few KB) to show the guard refusing it before any decoding.
Each is rendered at 64, 256 and 1024 pixels; the script prints the median and slowest of `--runs` renders, what a full
decode would hold (width x height x bands: JPEG is decoded at a reduced scale, so it holds less) and the output size.
These figures size THUMBNAIL_CONCURRENCY: a worker process makes that many at once, each using about one core for the
time printed, plus up to THUMBNAIL_MAX_SOURCE_BYTES for the source it read.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PIL import Image  # noqa: E402

from app.errors import UnsupportedMediaType  # noqa: E402
from app.services.thumbnails import SIZES, render  # noqa: E402


def noise(mode: str, size: tuple[int, int]) -> Image.Image:
    grey = Image.effect_noise(size, 64)
    bands = {"RGB": 3, "RGBA": 4}[mode]
    return Image.merge(mode, [grey.rotate(90 * k, expand=False) for k in range(bands)])


def samples() -> dict[str, bytes]:
    def saved(image: Image.Image, fmt: str, **options) -> bytes:
        out = io.BytesIO()
        image.save(out, fmt, **options)
        return out.getvalue()

    frames = [noise("RGB", (1000, 1000)).quantize(64) for _ in range(4)] * 5
    bomb = saved(Image.new("1", (20000, 20000)), "PNG")
    return {
        "JPEG 4000x3000": saved(noise("RGB", (4000, 3000)), "JPEG", quality=90),
        "PNG 2000x2000 RGBA": saved(noise("RGBA", (2000, 2000)), "PNG"),
        "GIF 1000x1000 x20": saved(frames[0], "GIF", save_all=True, append_images=frames[1:]),
        "WebP 1600x1200": saved(noise("RGB", (1600, 1200)), "WEBP", quality=85),
        "PNG bomb 20000x20000": bomb,
    }


def decoded_bytes(data: bytes) -> int:
    """What Pillow would hold for one full frame (its header is read; nothing is decoded)."""
    with Image.open(io.BytesIO(data)) as image:
        return image.width * image.height * len(image.getbands())


def measure(data: bytes, size: int, runs: int) -> tuple[list[float], int]:
    times, out = [], 0
    for _ in range(runs):
        started = time.perf_counter()
        try:
            out = len(render(data, size))
        except UnsupportedMediaType:
            out = -1
        times.append(time.perf_counter() - started)
    return times, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--max-pixels", type=int, default=50_000_000, help="THUMBNAIL_MAX_PIXELS")
    args = parser.parse_args()
    print(f"{'image':24} {'source':>10} {'decoded':>9} {'size':>5} {'median ms':>10} {'max ms':>8} {'output':>8}")
    for name, data in samples().items():
        Image.MAX_IMAGE_PIXELS = None  # only to read the header of the bomb here
        full = decoded_bytes(data)
        Image.MAX_IMAGE_PIXELS = args.max_pixels
        for size in SIZES:
            times, out = measure(data, size, args.runs)
            shown = "refused" if out < 0 else f"{out / 1024:.1f}K"
            print(
                f"{name:24} {len(data) / 1024:>9.0f}K {full / 2**20:>7.0f}Mi {size:>5}"
                f" {statistics.median(times) * 1000:>10.1f} {max(times) * 1000:>8.1f} {shown:>8}"
            )


if __name__ == "__main__":
    main()
