"""The Fashion-MNIST classifier whose penultimate layer is the evaluation feature space.

Inception-v3 weights (the usual FID feature extractor) cannot be had offline, so a
small CNN is trained here on the Fashion-MNIST labels instead. Its inputs are the
32x32 zero-padded grey images the DDPMs are trained on, in [-1, 1]; its 128-d
penultimate activations (after ReLU) are the features, its softmax the class
posterior p(y|x) for the Inception-Score analogue.

  /usr/bin/python3 -m task1.classifier --epochs 4     (from training/)
"""
from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

TRAINING_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(TRAINING_ROOT))
from inpaint_training.data import FMNIST_DIR, FashionMnist  # noqa: E402

WEIGHTS = Path(__file__).resolve().parent / "fmnist_classifier.pt"
FEATURE_DIM = 128
CLASSES = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot")


def read_idx_labels(path: Path) -> np.ndarray:
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic, n = np.frombuffer(data[:8], dtype=">u4")
    if magic != 2049:
        raise ValueError(f"{path}: not an IDX label file (magic {magic})")
    return np.frombuffer(data[8:], dtype=np.uint8)[: int(n)].astype(np.int64)


def load_split(split: str, directory: Path = FMNIST_DIR) -> tuple[np.ndarray, np.ndarray]:
    """uint8 images [N, 32, 32] (zero-padded as the DDPM sees them) and int64 labels [N]."""
    images = FashionMnist(split, directory).images
    labels = read_idx_labels(directory / ("train-labels-idx1-ubyte.gz" if split == "train" else "t10k-labels-idx1-ubyte.gz"))
    if len(images) != len(labels):
        raise ValueError(f"{split}: {len(images)} images but {len(labels)} labels")
    return images, labels


class FmnistClassifier(nn.Module):
    """[N, 1, 32, 32] in [-1, 1] -> logits [N, 10]; ``features`` gives the 128-d penultimate layer."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Sequential(
            nn.Conv2d(1, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),  # 16
            nn.Conv2d(32, 64, 3, padding=1), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(2),  # 8
            nn.Conv2d(64, 128, 3, padding=1), nn.BatchNorm2d(128), nn.ReLU(), nn.MaxPool2d(2),  # 4
        )
        self.fc = nn.Linear(128 * 4 * 4, FEATURE_DIM)
        self.drop = nn.Dropout(0.3)
        self.head = nn.Linear(FEATURE_DIM, len(CLASSES))

    def features(self, x: torch.Tensor) -> torch.Tensor:
        if x.dim() != 4 or x.shape[1:] != (1, 32, 32):
            raise ValueError(f"expected [N, 1, 32, 32], got {list(x.shape)}")
        return F.relu(self.fc(self.conv(x).flatten(1)))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.drop(self.features(x)))


def to_input(u8: np.ndarray) -> torch.Tensor:
    """uint8 grey [N, 32, 32] or RGB [N, 3, 32, 32] (channel mean) -> [N, 1, 32, 32] in [-1, 1]."""
    a = np.asarray(u8)
    if a.dtype != np.uint8:
        raise ValueError(f"expected uint8 images, got {a.dtype}")
    if a.ndim == 4:
        if a.shape[1] != 3:
            raise ValueError(f"expected [N, 3, 32, 32], got {list(a.shape)}")
        a = a.astype(np.float32).mean(1)
    elif a.ndim != 3:
        raise ValueError(f"expected [N, 32, 32] or [N, 3, 32, 32], got {list(a.shape)}")
    return torch.from_numpy(a.astype(np.float32) / 127.5 - 1.0)[:, None]


def load_classifier(path: Path | None = None) -> FmnistClassifier:
    path = path or WEIGHTS
    if not path.exists():
        raise FileNotFoundError(f"{path} missing: train it with /usr/bin/python3 training/fmnist_eval.py classifier")
    ck = torch.load(path, map_location="cpu")
    model = FmnistClassifier()
    model.load_state_dict({k: v.float() for k, v in ck["state_dict"].items()})
    return model.eval()


@torch.no_grad()
def features_and_probs(model: FmnistClassifier, u8: np.ndarray, batch: int = 500) -> tuple[np.ndarray, np.ndarray]:
    """Penultimate features [N, 128] (float64) and softmax [N, 10] of uint8 images."""
    feats, probs = [], []
    for i in range(0, len(u8), batch):
        x = to_input(u8[i:i + batch])
        f = model.features(x)
        feats.append(f.double().numpy())
        probs.append(F.softmax(model.head(f), dim=1).double().numpy())
    return np.concatenate(feats), np.concatenate(probs)


@torch.no_grad()
def accuracy(model: FmnistClassifier, images: np.ndarray, labels: np.ndarray) -> float:
    _, p = features_and_probs(model, images)
    return float((p.argmax(1) == labels).mean())


def train(epochs: int, seed: int = 0, batch: int = 128, threads: int = 1, log=print) -> dict:
    torch.manual_seed(seed)
    torch.set_num_threads(threads)
    rng = np.random.default_rng(seed)
    x_train, y_train = load_split("train")
    x_test, y_test = load_split("test")
    model = FmnistClassifier()
    opt = torch.optim.AdamW(model.parameters(), lr=2e-3, weight_decay=1e-4)
    steps = epochs * (len(x_train) // batch)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=2e-3, total_steps=steps)
    t0 = time.time()
    for epoch in range(epochs):
        model.train()
        order = rng.permutation(len(x_train))
        for i in range(len(x_train) // batch):
            idx = order[i * batch:(i + 1) * batch]
            imgs = x_train[idx]
            flip = rng.random(len(idx)) < 0.5  # the DDPM sees flipped images too
            imgs = np.where(flip[:, None, None], imgs[:, :, ::-1], imgs)
            loss = F.cross_entropy(model(to_input(np.ascontiguousarray(imgs))), torch.from_numpy(y_train[idx]))
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
        model.eval()
        acc = accuracy(model, x_test, y_test)
        log(f"epoch {epoch + 1}/{epochs}: test accuracy {acc:.4f}, last loss {loss.item():.3f}, {time.time() - t0:.0f} s")
    info = {"testAccuracy": acc, "epochs": epochs, "seed": seed, "trainSeconds": round(time.time() - t0, 1),
            "featureDim": FEATURE_DIM, "parameters": sum(p.numel() for p in model.parameters())}
    return {"model": model, "info": info}


def save(model: FmnistClassifier, info: dict, path: Path | None = None) -> None:
    path = path or WEIGHTS
    # fp16 halves the committed size; features move by ~1e-3 relative, far below the metrics' sampling noise
    torch.save({"state_dict": {k: (v.half() if v.is_floating_point() else v) for k, v in model.state_dict().items()},
                "info": info}, path)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--epochs", type=int, default=4)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--out", type=Path, default=WEIGHTS)
    args = ap.parse_args()
    r = train(args.epochs, args.seed, threads=args.threads)
    save(r["model"], r["info"], args.out)
    # the accuracy that counts is the saved (fp16) model's
    x_test, y_test = load_split("test")
    r["info"]["testAccuracySaved"] = accuracy(load_classifier(args.out), x_test, y_test)
    save(r["model"], r["info"], args.out)
    print(json.dumps(r["info"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
