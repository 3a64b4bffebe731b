#!/usr/bin/python3
"""Reference timings for bench/patchmatch.bench.ts: OpenCV's Telea and
Navier-Stokes inpainting on the same raw image and mask.

Usage: telea.py IMAGE.raw MASK.raw WIDTH HEIGHT CHANNELS [--runs N] [--radius R] [--out FILLED.raw]
IMAGE.raw is interleaved 8-bit (RGB or RGBA), MASK.raw one byte per pixel
(>127 = fill). Prints one JSON object: per method the run times (ms), their
median and this process's peak RSS. Needs Debian's python3-opencv.
"""
import argparse
import json
import resource
import statistics
import sys
import time

import cv2
import numpy as np


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("image")
    parser.add_argument("mask")
    parser.add_argument("width", type=int)
    parser.add_argument("height", type=int)
    parser.add_argument("channels", type=int)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--radius", type=float, default=3.0)
    parser.add_argument("--out", help="write the Telea result here (raw, same layout)")
    args = parser.parse_args()

    image = np.fromfile(args.image, dtype=np.uint8).reshape(args.height, args.width, args.channels)
    if args.channels == 4:
        image = np.ascontiguousarray(image[:, :, :3])  # cv2.inpaint takes 1 or 3 channels
    mask = (np.fromfile(args.mask, dtype=np.uint8).reshape(args.height, args.width) > 127).astype(np.uint8)

    report = {"opencv": cv2.__version__, "threads": cv2.getNumThreads(), "radius": args.radius}
    for name, flag in (("telea", cv2.INPAINT_TELEA), ("navierStokes", cv2.INPAINT_NS)):
        runs = []
        result = None
        for _ in range(args.runs):
            t0 = time.perf_counter()
            result = cv2.inpaint(image, mask, args.radius, flag)
            runs.append((time.perf_counter() - t0) * 1000.0)
        report[name] = {"runsMs": runs, "medianMs": statistics.median(runs)}
        if name == "telea" and args.out and result is not None:
            result.tofile(args.out)
    # ru_maxrss is in KiB on Linux.
    report["peakRssBytes"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    json.dump(report, sys.stdout)


if __name__ == "__main__":
    main()
