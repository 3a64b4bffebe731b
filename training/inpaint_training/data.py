"""Training data: multi-scale photo crops from the wallpaper set, Fashion-MNIST."""
from __future__ import annotations

import gzip
import math
from pathlib import Path

import cv2
import numpy as np

from .masks import make_mask

TRAINING_ROOT = Path(__file__).resolve().parents[1]
WALLPAPER_LIST = TRAINING_ROOT / "data" / "wallpapers" / "train.txt"
FMNIST_DIR = Path("/usr/share/datasets/fashion-mnist")


def to_model_range(u8: np.ndarray) -> np.ndarray:
    """HWC uint8 -> CHW float32 in [-1, 1]."""
    return (u8.astype(np.float32) / 127.5 - 1.0).transpose(2, 0, 1)


class PhotoCrops:
    """Random square crops whose side is log-uniform between ``size`` and the cached
    short side, resized (area filter) to ``size``: small crops teach texture, large
    ones structure. Horizontal flips with p = 0.5."""

    def __init__(self, size: int, short_side: int = 768, file_list: Path = WALLPAPER_LIST):
        if not file_list.exists():
            raise FileNotFoundError(f"{file_list} missing: run training/fetch_wallpapers.py first")
        self.size = size
        self.images = []
        for line in file_list.read_text().split():
            im = cv2.imread(str(TRAINING_ROOT / line), cv2.IMREAD_COLOR)
            if im is None:
                raise OSError(f"cannot decode {line}")
            im = cv2.cvtColor(im, cv2.COLOR_BGR2RGB)
            scale = short_side / min(im.shape[:2])
            if scale < 1:
                im = cv2.resize(im, (round(im.shape[1] * scale), round(im.shape[0] * scale)), interpolation=cv2.INTER_AREA)
            self.images.append(np.ascontiguousarray(im))
        if not self.images:
            raise ValueError(f"{file_list} lists no images")

    def sample(self, rng: np.random.Generator) -> np.ndarray:
        im = self.images[int(rng.integers(len(self.images)))]
        h, w = im.shape[:2]
        max_side = min(h, w)
        side = int(round(math.exp(rng.uniform(math.log(self.size), math.log(max_side)))))
        y = int(rng.integers(0, h - side + 1))
        x = int(rng.integers(0, w - side + 1))
        crop = im[y:y + side, x:x + side]
        if side != self.size:
            crop = cv2.resize(crop, (self.size, self.size), interpolation=cv2.INTER_AREA)
        if rng.random() < 0.5:
            crop = crop[:, ::-1]
        return to_model_range(np.ascontiguousarray(crop))


def read_idx_images(path: Path) -> np.ndarray:
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic, n, rows, cols = np.frombuffer(data[:16], dtype=">u4")
    if magic != 2051:
        raise ValueError(f"{path}: not an IDX image file (magic {magic})")
    return np.frombuffer(data[16:], dtype=np.uint8).reshape(int(n), int(rows), int(cols))


class FashionMnist:
    """Fashion-MNIST 28x28 zero-padded to 32x32, grey replicated to 3 channels."""

    def __init__(self, split: str = "train", directory: Path = FMNIST_DIR):
        name = "train-images-idx3-ubyte.gz" if split == "train" else "t10k-images-idx3-ubyte.gz"
        imgs = read_idx_images(directory / name)
        self.images = np.pad(imgs, ((0, 0), (2, 2), (2, 2)))

    def sample(self, rng: np.random.Generator) -> np.ndarray:
        g = self.images[int(rng.integers(len(self.images)))]
        if rng.random() < 0.5:
            g = g[:, ::-1]
        return to_model_range(np.repeat(g[:, :, None], 3, axis=2))


def make_dataset(cfg: dict):
    if cfg["dataset"] == "wallpapers":
        return PhotoCrops(cfg["image_size"], cfg["crop_short_side"])
    if cfg["dataset"] == "fashion-mnist":
        return FashionMnist()
    raise ValueError(f"unknown dataset {cfg['dataset']!r}")


def make_batch(dataset, cfg: dict, rng: np.random.Generator):
    """x0 [N,C,H,W] and, for conditional models, the mask [N,1,H,W] (1 = hole)."""
    n, s = cfg["batch_size"], cfg["image_size"]
    x0 = np.stack([dataset.sample(rng) for _ in range(n)])
    if cfg["kind"] != "conditional-inpaint":
        return x0, None
    masks = np.stack([make_mask(cfg["mask"], s, s, rng) for _ in range(n)])[:, None]
    return x0, masks.astype(np.float32)


def masked_source(x0: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """The conditioning image: the source with the hole set to 0 (zero fill)."""
    return x0 * (1.0 - mask)
