"""The reference sampler: DDPM, DDIM, RePaint, Palette-conditional and strength.

docs/rng.md ("Draw order") is the contract the TypeScript sampler follows;
every noise draw below goes through ``NoiseSource.draw`` in exactly that order.

State levels: the chain state is at internal level ``i`` (respaced index,
S-1 ... 0) or at level -1 (the clean output). A *reverse step* at level i
produces level i-1; an *undo step* (RePaint) from level l produces level l+1:
x_{l+1} = sqrt(1 - beta_{l+1}) x_l + sqrt(beta_{l+1}) z.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, Iterator

import numpy as np
import torch

from .diffusion import GaussianDiffusion, _gather
from .rng import GaussianRng, sample_seed

Denoise = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]


class NoiseSource:
    """One GaussianRng per sample (seed + i mod 2^32); each draw is [N, C, H, W],
    sample i's slice filled in [C, H, W] order from its own generator."""

    def __init__(self, seed: int, batch: int, shape_chw: tuple[int, int, int]):
        self.gens = [GaussianRng(sample_seed(seed, i)) for i in range(batch)]
        self.shape = tuple(shape_chw)
        self.draws = 0

    def draw(self) -> torch.Tensor:
        self.draws += 1
        return torch.from_numpy(np.stack([g.fill_normal(self.shape) for g in self.gens]))


class ArrayNoise:
    """Pre-drawn noise [K, N, C, H, W] consumed in order (e.g. from a .npy file)."""

    def __init__(self, arr: np.ndarray):
        self.arr = np.asarray(arr, dtype=np.float32)
        self.draws = 0

    def draw(self) -> torch.Tensor:
        if self.draws >= len(self.arr):
            raise IndexError(f"noise file holds {len(self.arr)} draws; the sampler needs more")
        out = torch.from_numpy(self.arr[self.draws].copy())
        self.draws += 1
        return out


@dataclass
class InpaintTask:
    """source [N,C,H,W] in [-1,1]; mask [N,1,H,W], 1 = hole (to fill)."""

    source: torch.Tensor
    mask: torch.Tensor

    def masked_source(self) -> torch.Tensor:
        return self.source * (1.0 - self.mask)


def repaint_moves(start_level: int, jump_length: int, jump_n_sample: int) -> list[str]:
    """The RePaint move list from ``start_level`` down to the clean output (-1).

    Position n = start_level - level counts reverse progress (0 ... start_level+1).
    Jump points are n = k * jump_length (k >= 1, n <= start_level + 1). Each time
    a reverse step arrives at a jump point that still has resamplings left, the
    chain makes ``jump_length`` undo steps and descends again; each jump point is
    resampled ``jump_n_sample - 1`` times. With jump_n_sample = 1 this is plain
    ancestral sampling. Returns "reverse"/"undo" strings.
    """
    if jump_length < 1 or jump_n_sample < 1:
        raise ValueError("jump_length and jump_n_sample must be >= 1")
    end = start_level + 1
    remaining = {n: jump_n_sample - 1 for n in range(jump_length, end + 1, jump_length)}
    moves, n = [], 0
    while n < end:
        moves.append("reverse")
        n += 1
        if remaining.get(n, 0) > 0:
            remaining[n] -= 1
            moves.extend(["undo"] * jump_length)
            n -= jump_length
    return moves


def start_level_for_strength(num_steps: int, strength: float) -> int:
    """Internal level at which a strength-s run starts: ceil(s * S) - 1 (s = 1: S - 1)."""
    if not 0.0 < strength <= 1.0:
        raise ValueError(f"strength must be in (0, 1], got {strength}")
    return max(0, min(num_steps - 1, math.ceil(strength * num_steps) - 1))


def sample(diffusion: GaussianDiffusion, denoise: Denoise, noise, shape: tuple[int, ...], *,
           method: str = "ddpm", eta: float = 0.0, task: InpaintTask | None = None,
           conditioning: str = "none", strength: float = 1.0, jump_length: int = 10,
           jump_n_sample: int = 1, clip: bool = True) -> Iterator[dict]:
    """Yields {step, total, x, pred_x0, level} after every move; the last x is the output.

    method: "ddpm" (ancestral), "ddim" (eta), "repaint" (ddpm + jumps).
    conditioning: "none"; "replace" (unconditional model, known region replaced by
    the source noised to the current level before every reverse step, as RePaint);
    "palette" (conditional model: input [m*x + (1-m)*src | src*(1-m) | m]).
    """
    S = diffusion.num_timesteps
    if conditioning != "none" and task is None:
        raise ValueError(f"conditioning {conditioning!r} needs a source and mask")
    level = start_level_for_strength(S, strength) if strength < 1.0 else S - 1
    if strength < 1.0 and task is None:
        raise ValueError("strength < 1 needs a source image")
    if method == "repaint":
        moves = repaint_moves(level, jump_length, jump_n_sample)
    elif method in ("ddpm", "ddim"):
        moves = ["reverse"] * (level + 1)
    else:
        raise ValueError(f"unknown method {method!r}")

    # start: pure noise, or the source noised to the start level (one draw either way)
    z = noise.draw()
    if strength < 1.0:
        t0 = torch.full((shape[0],), level, dtype=torch.long)
        x = diffusion.q_sample(task.source, t0, z)
    else:
        x = z
    total = len(moves)
    pred_x0 = None
    for step, move in enumerate(moves):
        if move == "undo":
            nxt = level + 1
            beta = _gather(diffusion.betas, torch.full((shape[0],), nxt, dtype=torch.long), x.dim())
            x = torch.sqrt(1.0 - beta) * x + torch.sqrt(beta) * noise.draw()
            level = nxt
        else:
            t = torch.full((shape[0],), level, dtype=torch.long)
            if conditioning == "replace":
                known = diffusion.q_sample(task.source, t, noise.draw())
                x = task.mask * x + (1.0 - task.mask) * known
            if conditioning == "palette":
                x = task.mask * x + (1.0 - task.mask) * task.source
                x_in = torch.cat([x, task.masked_source(), task.mask], dim=1)
            else:
                x_in = x
            with torch.no_grad():
                out = denoise(x_in, diffusion.model_timesteps(t))
            p = diffusion.p_mean_variance(out, x, t, clip=clip)
            pred_x0 = p["pred_x0"]
            if method == "ddim":
                eps = diffusion.eps_from_x0(x, t, pred_x0)  # re-derived from the clipped x0
                n = x.dim()
                ab = _gather(diffusion.alphas_cumprod, t, n)
                ab_prev = _gather(diffusion.alphas_cumprod_prev, t, n)
                sigma = eta * torch.sqrt((1 - ab_prev) / (1 - ab)) * torch.sqrt(1 - ab / ab_prev)
                x = torch.sqrt(ab_prev) * pred_x0 + torch.sqrt(1 - ab_prev - sigma ** 2) * eps
                if eta > 0 and level > 0:
                    x = x + sigma * noise.draw()
            else:
                x = p["mean"]
                if level > 0:
                    x = x + torch.exp(0.5 * p["log_variance"]) * noise.draw()
            level -= 1
        if level == -1 and task is not None and conditioning != "none":
            x = task.mask * x + (1.0 - task.mask) * task.source  # known pixels are never changed
        yield {"step": step + 1, "total": total, "x": x, "pred_x0": pred_x0, "level": level}


def sample_final(*args, **kw) -> torch.Tensor:
    out = None
    for out in sample(*args, **kw):
        pass
    assert out is not None
    return out["x"]
