#!/usr/bin/env python3
"""Reference values for the TypeScript eval metrics (src/main/eval/*.test.ts).

scikit-image computes PSNR and SSIM on small fixed arrays; numpy computes the
masked L1. The arrays themselves are written into the fixture, so the
TypeScript side reads exactly the same pixels. Run with Debian's python3:

    /usr/bin/python3 tools/eval/make_metric_fixtures.py > src/main/eval/fixtures/metrics-reference.json
"""
import json
import sys

import numpy as np
import skimage
from skimage.metrics import peak_signal_noise_ratio, structural_similarity


def make_case(rng, height, width, border_mask):
    yy, xx = np.mgrid[0:height, 0:width]
    base = np.stack([
        128 + 90 * np.sin(xx / 3.0) * np.cos(yy / 4.0),
        100 + 60 * np.cos((xx + yy) / 5.0),
        rng.uniform(0, 255, size=(height, width)),
    ], axis=-1)
    a = np.clip(np.round(base), 0, 255).astype(np.uint8)
    b = np.clip(a.astype(np.int32) + rng.integers(-40, 41, size=a.shape), 0, 255).astype(np.uint8)
    mask = np.zeros((height, width), dtype=np.uint8)
    if border_mask:
        mask[: height // 2, : width // 3] = 255  # touches the top-left corner: reflect borders matter
    else:
        mask[4:height - 5, 6:width - 4] = 255
        mask[rng.uniform(size=(height, width)) < 0.15] = 0  # ragged holes
    sel = mask > 127
    _, full = structural_similarity(a, b, channel_axis=-1, data_range=255, full=True)
    return {
        "width": width,
        "height": height,
        "a": a.reshape(-1).tolist(),
        "b": b.reshape(-1).tolist(),
        "mask": mask.reshape(-1).tolist(),
        "l1": float(np.abs(a[sel].astype(np.float64) - b[sel]).mean() / 255.0),
        "psnr": float(peak_signal_noise_ratio(a[sel], b[sel], data_range=255)),
        "ssimGlobal": float(structural_similarity(a, b, channel_axis=-1, data_range=255)),
        "ssimMasked": float(full.mean(axis=-1)[sel].mean()),
    }


def main():
    rng = np.random.default_rng(20261122)
    cases = [make_case(rng, 19, 23, False), make_case(rng, 16, 21, True)]
    json.dump({"generator": "tools/eval/make_metric_fixtures.py", "skimage": skimage.__version__, "cases": cases}, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
