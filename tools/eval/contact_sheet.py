#!/usr/bin/env python3
"""One labelled JPEG per eval case, for docs: the context crop of the
original, the mask, each method's fill (top row) and its whole-frame
outside-change heatmap (bottom row), built from an `inpaint-studio eval`
output folder (results.json + thumbs/).

    /usr/bin/python3 tools/eval/contact_sheet.py <eval-out> <dest-dir> [case-id ...]
"""
import json
import os
import sys

import cv2
import numpy as np

CELL = 150
LABEL = 18


def fit(img, size):
    h, w = img.shape[:2]
    s = min(size / w, size / h)
    img = cv2.resize(img, (max(1, round(w * s)), max(1, round(h * s))), interpolation=cv2.INTER_AREA if s < 1 else cv2.INTER_NEAREST)
    out = np.full((size, size, 3), 255, np.uint8)
    y, x = (size - img.shape[0]) // 2, (size - img.shape[1]) // 2
    out[y:y + img.shape[0], x:x + img.shape[1]] = img
    return out


def cell(path, label):
    img = cv2.imread(path) if path else None
    body = fit(img, CELL) if img is not None else np.full((CELL, CELL, 3), 235, np.uint8)
    head = np.full((LABEL, CELL, 3), 255, np.uint8)
    cv2.putText(head, label[:24], (3, 13), cv2.FONT_HERSHEY_SIMPLEX, 0.38, (0, 0, 0), 1, cv2.LINE_AA)
    return cv2.copyMakeBorder(np.vstack([head, body]), 0, 3, 0, 3, cv2.BORDER_CONSTANT, value=(255, 255, 255))


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    src, dest, wanted = sys.argv[1], sys.argv[2], set(sys.argv[3:])
    with open(os.path.join(src, "results.json"), encoding="utf-8") as f:
        run = json.load(f)
    os.makedirs(dest, exist_ok=True)
    methods = [m for m in dict.fromkeys(r["method"] for r in run["rows"]) if m != "original"]
    for case in run["cases"]:
        if wanted and case["id"] not in wanted:
            continue
        rows = {r["method"]: r for r in run["rows"] if r["caseId"] == case["id"]}
        th = lambda rel: os.path.join(src, rel) if rel else None
        top = [cell(th(case["thumbs"]["original"]), "original"), cell(th(case["thumbs"]["mask"]), f"mask {100 * case['coverage']:.1f}%")]
        bottom = [cell(None, ""), cell(None, "outside change ->")]
        for m in methods:
            r = rows.get(m, {})
            t = r.get("thumbs", {})
            top.append(cell(th(t.get("fill")), m.replace("tiny-inpaint", "tiny")))
            bottom.append(cell(th(t.get("heat")), "black = unchanged"))
        sheet = np.vstack([np.hstack(top), np.hstack(bottom)])
        out = os.path.join(dest, f"{case['id']}.jpg")
        cv2.imwrite(out, sheet, [cv2.IMWRITE_JPEG_QUALITY, 80])
        print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
