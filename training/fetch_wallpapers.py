#!/usr/bin/env python3
"""Build the photo training set from Debian wallpaper packages.

Reproducible: packages are fetched with ``apt-get download`` (the version is
recorded), unpacked with ``dpkg-deb -x`` into ``training/data/wallpapers``
(gitignored), photographs are selected by a documented heuristic plus a manual
exclude list, ceil(10 %) are held out for evaluation (smallest sha256), and
``training/DATA_CARD.md`` lists every file, its package and its licence.

Photo heuristic (on a 256-px-wide greyscale/RGB thumbnail):
  * drop SVG and anything that is not JPEG/PNG/WebP;
  * drop images smaller than 640 px on the short side;
  * ``flat_fraction``: share of pixels whose 3x3 neighbourhood range is < 2
    grey levels. Flat vector art and logos are mostly flat (> 0.2); photos
    almost never are (measured here: photos 0.00-0.13);
  * ``colours``: distinct colours after quantising to 5 bits per channel.
    Logos and posterised art have few (< 24; a greyscale photo has ~32);
  * ``hf_energy``: mean absolute Laplacian. Smooth rendered gradients/blurs
    score < 2.5 grey levels; photos have texture everywhere.
  An image is a photo when it passes all three, and it is not named in
  ``MANUAL_EXCLUDE`` (abstract renders that fool the statistics, found by
  looking at the contact sheet this script writes).

Splits never change once assigned: ``training/splits.json`` (committed) maps
each photo's sha256 to train or eval. A photo a model has trained on can
therefore never move into the evaluation set when packages are added; new
photos are split among themselves (the ceil(10 %) with the smallest sha256
go to eval) and appended to the file.

Usage: /usr/bin/python3 training/fetch_wallpapers.py [--skip-download]
"""
from __future__ import annotations

import argparse
import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent
DATA = ROOT / "data" / "wallpapers"
SPLITS = ROOT / "splits.json"
PACKAGES = [
    "mate-backgrounds",
    "gnome-backgrounds",
    "plasma-workspace-wallpapers",
    "desktop-base",
    "sway-backgrounds",
    "ukui-wallpapers",
    "lomiri-wallpapers",
    "lomiri-wallpapers-16.04",
    "lomiri-wallpapers-20.04",
]
IMAGE_EXT = {".jpg", ".jpeg", ".png", ".webp"}
MIN_SHORT_SIDE = 640
FLAT_MAX = 0.2
COLOURS_MIN = 24
HF_MIN = 2.5
HOLDOUT_PERCENT = 10
# Paths relative to the package root, matched as substrings. Filled in after
# reviewing training/data/wallpapers/contact_sheet_*.png; each has a reason.
MANUAL_EXCLUDE: dict[str, str] = {
    "mate/abstract/Elephants": "painting, not a photograph",
    "mate/abstract/Gulp": "abstract render",
    "Float-into-MATE": "render with logo",
    "gnome/grid-": "3D render of tiles",
    "gnome/licorice-": "3D render",
    "gnome/truchet-": "rendered pattern",
    "gnome/wood-": "rendered stripes",
    "wallpapers/Autumn/": "illustration",
    "wallpapers/Canopee/": "abstract render",
    "wallpapers/Cascade/": "abstract render",
    "wallpapers/Honeywave/": "abstract render",
    "wallpapers/Kay/": "abstract render",
    "wallpapers/Patak/": "abstract render",
    "wallpapers/SafeLanding/": "illustration",
    "wallpapers/Shell/": "abstract render",
    "sway/Sway_Wallpaper": "logo on flat art",
    "backgrounds/string.jpg": "abstract render",
    "Infinite-Sea_by_": "digital composite (gradient sky, pasted star field)",
}


def run(cmd: list[str], cwd: Path | None = None) -> str:
    return subprocess.run(cmd, cwd=cwd, check=True, capture_output=True, text=True).stdout


def download(pkgs: list[str]) -> dict[str, str]:
    debs = DATA / "debs"
    ext = DATA / "extracted"
    debs.mkdir(parents=True, exist_ok=True)
    ext.mkdir(parents=True, exist_ok=True)
    versions = {}
    for pkg in pkgs:
        have = list(debs.glob(f"{pkg}_*.deb"))
        if not have:
            print(f"apt-get download {pkg}", flush=True)
            run(["apt-get", "download", pkg], cwd=debs)
            have = list(debs.glob(f"{pkg}_*.deb"))
        deb = sorted(have)[-1]
        versions[pkg] = run(["dpkg-deb", "-f", str(deb), "Version"]).strip()
        target = ext / pkg
        if not target.exists():
            run(["dpkg-deb", "-x", str(deb), str(target)])
    return versions


def licence_summary(pkg_root: Path, pkg: str) -> str:
    copyright_file = pkg_root / "usr" / "share" / "doc" / pkg / "copyright"
    if not copyright_file.exists():
        return "copyright file missing"
    text = copyright_file.read_text(errors="replace")
    found = re.findall(r"^License:\s*(.+)$", text, flags=re.M)
    uniq = []
    for f in found:
        f = f.strip()
        if f and f not in uniq:
            uniq.append(f)
    return ", ".join(uniq) if uniq else "see copyright file"


def file_licence(pkg_root: Path, pkg: str, rel: str) -> str:
    """Best-effort per-file licence from a DEP-5 copyright file."""
    copyright_file = pkg_root / "usr" / "share" / "doc" / pkg / "copyright"
    if not copyright_file.exists():
        return "unknown (no copyright file)"
    text = copyright_file.read_text(errors="replace")
    best, best_len = None, -10**6
    for para in re.split(r"\n\s*\n", text):
        files = re.search(r"^Files:\s*(.+(?:\n[ \t]+.+)*)", para, flags=re.M)
        lic = re.search(r"^License:\s*(.+)$", para, flags=re.M)
        if not files or not lic:
            continue
        for pattern in files.group(1).split():
            # DEP-5 paths are relative to the upstream tree; installed paths end with them
            rx = "(^|/)" + re.escape(pattern).replace(r"\*", ".*").replace(r"\?", ".") + "$"
            specificity = len(pattern.replace("*", ""))
            if not re.search(rx, rel.lstrip("/")):
                # some packages name upstream folders (e.g. "16.04/x.jpg") that are
                # flattened on install: fall back to the file name, ranked below full matches
                base = pattern.rsplit("/", 1)[-1]
                if "/" not in pattern or "*" in base or not rel.endswith("/" + base):
                    continue
                specificity = len(base) - 1000
            if specificity > best_len:
                best, best_len = lic.group(1).strip(), specificity
    return best or licence_summary(pkg_root, pkg)


def image_stats(path: Path) -> dict:
    from PIL import Image

    with Image.open(path) as im:
        w, h = im.size
        im = im.convert("RGB")
        im.thumbnail((256, 256))
        rgb = np.asarray(im, dtype=np.int32)
    g = (rgb[..., 0] * 299 + rgb[..., 1] * 587 + rgb[..., 2] * 114) // 1000
    pad = np.pad(g, 1, mode="edge")
    windows = np.stack([pad[dy:dy + g.shape[0], dx:dx + g.shape[1]] for dy in range(3) for dx in range(3)])
    local_range = windows.max(0) - windows.min(0)
    flat = float((local_range < 2).mean())
    q = (rgb >> 3)
    colours = int(len(np.unique(q[..., 0] * 1024 + q[..., 1] * 32 + q[..., 2])))
    lap = 4 * g[1:-1, 1:-1] - g[:-2, 1:-1] - g[2:, 1:-1] - g[1:-1, :-2] - g[1:-1, 2:]
    hf = float(np.abs(lap).mean())
    thumb = np.asarray(Image.fromarray(g.astype(np.uint8)).resize((8, 8), Image.BILINEAR), dtype=np.float64)
    ahash = "".join("1" if v else "0" for v in (thumb > thumb.mean()).ravel())
    return {"width": w, "height": h, "flat": flat, "colours": colours, "hf": hf, "ahash": ahash}


def classify(st: dict) -> str | None:
    if min(st["width"], st["height"]) < MIN_SHORT_SIDE:
        return "too small"
    if st["flat"] > FLAT_MAX:
        return f"flat {st['flat']:.2f}"
    if st["colours"] < COLOURS_MIN:
        return f"few colours {st['colours']}"
    if st["hf"] < HF_MIN:
        return f"smooth {st['hf']:.2f}"
    return None


def contact_sheet(paths: list[Path], out: Path) -> None:
    from PIL import Image, ImageDraw

    cell = 160
    cols = 8
    rows = (len(paths) + cols - 1) // cols
    sheet = Image.new("RGB", (cols * cell, rows * (cell + 12)), "white")
    draw = ImageDraw.Draw(sheet)
    for i, p in enumerate(paths):
        with Image.open(p) as im:
            im = im.convert("RGB")
            im.thumbnail((cell, cell))
            x, y = (i % cols) * cell, (i // cols) * (cell + 12)
            sheet.paste(im, (x, y))
            draw.text((x + 2, y + cell), str(i), fill="black")
    sheet.save(out)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--skip-download", action="store_true")
    ap.add_argument("--packages", nargs="*", default=PACKAGES)
    args = ap.parse_args()

    if args.skip_download:
        versions = json.loads((DATA / "versions.json").read_text())
    else:
        versions = download(args.packages)
        (DATA / "versions.json").write_text(json.dumps(versions, indent=1))

    records = []
    seen_hashes: dict[str, str] = {}
    seen_ahash: dict[str, str] = {}
    for pkg in args.packages:
        pkg_root = DATA / "extracted" / pkg
        files = sorted(p for p in pkg_root.rglob("*") if p.is_file() and not p.is_symlink())
        # plasma ships each wallpaper at many sizes: keep only the largest per folder.
        by_dir: dict[Path, list[Path]] = {}
        for p in files:
            if p.suffix.lower() in IMAGE_EXT and "/usr/share/doc/" not in str(p):
                by_dir.setdefault(p.parent, []).append(p)
        for d, ps in sorted(by_dir.items()):
            if d.name == "images" and d.parent.name == "contents":
                ps = [max(ps, key=lambda q: q.stat().st_size)]
            for p in ps:
                rel = "/" + str(p.relative_to(pkg_root))
                digest = hashlib.sha256(p.read_bytes()).hexdigest()
                rec = {"package": pkg, "version": versions.get(pkg, "?"), "path": rel, "sha256": digest,
                       "file": str(p.relative_to(ROOT))}
                if digest in seen_hashes:
                    rec["status"] = f"duplicate of {seen_hashes[digest]}"
                    records.append(rec)
                    continue
                seen_hashes[digest] = rel
                try:
                    st = image_stats(p)
                except Exception as e:  # unreadable image: recorded, never silently skipped
                    rec["status"] = f"unreadable: {e}"
                    records.append(rec)
                    continue
                rec.update(st)
                reason = classify(st)
                for key, why in MANUAL_EXCLUDE.items():
                    if key in rel:
                        reason = f"manual: {why}"
                if reason is None and st["ahash"] in seen_ahash:
                    reason = f"near-duplicate of {seen_ahash[st['ahash']]}"
                if reason is None:
                    seen_ahash[st["ahash"]] = rel
                    rec["status"] = "photo"
                else:
                    rec["status"] = f"excluded: {reason}"
                rec["licence"] = file_licence(pkg_root, pkg, rel)
                records.append(rec)

    # Splits: recorded assignments are kept; new photos are split among themselves, the
    # ceil(10 %) with the smallest sha256 going to eval (deterministic, content-based).
    splits: dict[str, str] = json.loads(SPLITS.read_text()) if SPLITS.exists() else {}
    photos = [r for r in records if r["status"] == "photo"]
    new = sorted((r for r in photos if r["sha256"] not in splits), key=lambda r: r["sha256"])
    n_eval = -(-len(new) * HOLDOUT_PERCENT // 100)
    for i, r in enumerate(new):
        splits[r["sha256"]] = "eval" if i < n_eval else "train"
    for r in photos:
        r["status"] = splits[r["sha256"]]
    SPLITS.write_text(json.dumps(dict(sorted(splits.items())), indent=1) + "\n")
    (DATA / "index.json").write_text(json.dumps(records, indent=1))
    kept = [r for r in records if r["status"] in ("train", "eval")]
    for split in ("train", "eval"):
        (DATA / f"{split}.txt").write_text("".join(r["file"] + "\n" for r in records if r["status"] == split))
    contact_sheet([ROOT / r["file"] for r in kept], DATA / "contact_sheet_kept.png")
    excl = [r for r in records if r["status"].startswith("excluded") and "width" in r and "too small" not in r["status"]]
    if excl:
        contact_sheet([ROOT / r["file"] for r in excl], DATA / "contact_sheet_excluded.png")
    write_card(records, versions)
    print(f"kept {len(kept)} photos ({sum(r['status'] == 'eval' for r in kept)} eval) of {len(records)} files")
    return 0


def write_card(records: list[dict], versions: dict[str, str]) -> None:
    lines = [
        "# Data card: Debian wallpaper photographs",
        "",
        "Built by `training/fetch_wallpapers.py` (do not edit by hand; re-run the script).",
        "Source: Debian 12 packages fetched with `apt-get download`, unpacked with `dpkg-deb -x`.",
        "",
        "Selection heuristic (see the script's docstring): short side >= "
        f"{MIN_SHORT_SIDE} px, flat fraction <= {FLAT_MAX}, >= {COLOURS_MIN} colours (5-bit), "
        f"mean |Laplacian| >= {HF_MIN}, not in the manual exclude list, not an exact or 8x8-average-hash "
        f"duplicate. Splits are fixed once assigned (`training/splits.json`); each batch of new photos "
        f"sends its ceil({HOLDOUT_PERCENT} %) with the smallest sha256 to eval.",
        "",
        "## Packages",
        "",
        "| package | version | licences in its copyright file |",
        "|---|---|---|",
    ]
    for pkg, ver in versions.items():
        lic = licence_summary(DATA / "extracted" / pkg, pkg)
        lines.append(f"| {pkg} | {ver} | {lic} |")
    kept = [r for r in records if r["status"] in ("train", "eval")]
    lines += ["", f"## Photographs used ({len(kept)}: "
              f"{sum(r['status'] == 'train' for r in kept)} train, {sum(r['status'] == 'eval' for r in kept)} eval)", "",
              "| split | package | file | size | licence | sha256 (prefix) |", "|---|---|---|---|---|---|"]
    for r in kept:
        lines.append(f"| {r['status']} | {r['package']} | `{r['path']}` | {r['width']}x{r['height']} | "
                     f"{r['licence']} | {r['sha256'][:12]} |")
    rest = [r for r in records if r not in kept]
    lines += ["", f"## Files not used ({len(rest)})", "", "| package | file | reason |", "|---|---|---|"]
    for r in rest:
        lines.append(f"| {r['package']} | `{r['path']}` | {r['status']} |")
    (ROOT / "DATA_CARD.md").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    sys.exit(main())
