#!/usr/bin/env python3
"""Classical inpainting baselines for `inpaint-studio eval`.

Reads a JSON list of jobs, each {"image", "mask", "method", "out"} with PNG
paths (mask: white > 127 = fill), runs the method and writes the result as an
8-bit RGB PNG. Prints one JSON line per job: {"out", "millis"} or
{"out", "error"}. Methods:

- telea: OpenCV's fast marching method (Telea 2004), radius 3.
- ns: OpenCV's Navier-Stokes based method (Bertalmio et al. 2001), radius 3.
- biharmonic: scikit-image's biharmonic inpainting (Damelin & Hoang 2018).

The results are written as the methods return them (no compositing), so the
eval can check whether a method changes pixels outside the mask. Uses
Debian's python3-opencv and python3-skimage: run with /usr/bin/python3.
"""
import argparse
import json
import sys
import time

import cv2
import numpy as np

RADIUS = 3


def read_rgb(path):
    bgr = cv2.imread(path, cv2.IMREAD_COLOR)
    if bgr is None:
        raise ValueError(f"cannot read image {path}")
    return bgr


def read_mask(path, shape):
    m = cv2.imread(path, cv2.IMREAD_GRAYSCALE)
    if m is None:
        raise ValueError(f"cannot read mask {path}")
    if m.shape != shape:
        raise ValueError(f"mask {path} is {m.shape[1]}x{m.shape[0]}, image is {shape[1]}x{shape[0]}")
    return (m > 127).astype(np.uint8) * 255


def inpaint(method, bgr, mask):
    if method == "telea":
        return cv2.inpaint(bgr, mask, RADIUS, cv2.INPAINT_TELEA)
    if method == "ns":
        return cv2.inpaint(bgr, mask, RADIUS, cv2.INPAINT_NS)
    if method == "biharmonic":
        from skimage.restoration import inpaint_biharmonic

        rgb = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB).astype(np.float64) / 255.0
        filled = inpaint_biharmonic(rgb, mask > 127, channel_axis=-1)
        out = np.clip(np.round(filled * 255.0), 0, 255).astype(np.uint8)
        return cv2.cvtColor(out, cv2.COLOR_RGB2BGR)
    raise ValueError(f"unknown method {method!r} (telea, ns, biharmonic)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--jobs", required=True, help="JSON file with a list of jobs")
    args = parser.parse_args()
    with open(args.jobs, encoding="utf-8") as f:
        jobs = json.load(f)
    cv2.setNumThreads(1)
    for job in jobs:
        started = time.perf_counter()
        try:
            bgr = read_rgb(job["image"])
            mask = read_mask(job["mask"], bgr.shape[:2])
            out = inpaint(job["method"], bgr, mask)
            if not cv2.imwrite(job["out"], out):
                raise ValueError(f"cannot write {job['out']}")
            print(json.dumps({"out": job["out"], "millis": round((time.perf_counter() - started) * 1000)}), flush=True)
        except Exception as e:  # reported per job; the eval shows the reason in its table
            print(json.dumps({"out": job.get("out"), "error": f"{type(e).__name__}: {e}"}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
