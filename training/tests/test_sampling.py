"""Reference sampler: closed-form Gaussian check, draw counts, RePaint schedule, invariants."""
import math

import numpy as np
import pytest
import torch

from inpaint_training.diffusion import GaussianDiffusion, ModelVarType
from inpaint_training.sampling import (ArrayNoise, InpaintTask, NoiseSource, repaint_moves, sample, sample_final,
                                       start_level_for_strength)

MU, SD = 0.2, 0.3


class TorchNoise:
    """Fast noise for the statistical tests (the shared RNG is tested elsewhere)."""

    def __init__(self, shape, seed):
        self.g = torch.Generator().manual_seed(seed)
        self.shape = shape
        self.draws = 0

    def draw(self):
        self.draws += 1
        return torch.randn(self.shape, generator=self.g)


def optimal_eps(d):
    """E[eps | x_t] for data N(MU, SD^2): sqrt(1-abar) (x_t - sqrt(abar) MU) / (abar SD^2 + 1 - abar)."""
    orig = GaussianDiffusion(d.betas) if d.original_num_timesteps == d.num_timesteps else None

    def denoise(x, t_model):
        idx = torch.from_numpy(np.searchsorted(d.timestep_map, t_model.long().numpy()))
        assert np.array_equal(d.timestep_map[idx.numpy()], t_model.long().numpy())  # network got original steps
        ab = torch.from_numpy(d.alphas_cumprod)[idx].float()[:, None, None, None]
        return torch.sqrt(1 - ab) * (x - torch.sqrt(ab) * MU) / (ab * SD ** 2 + 1 - ab)
    return denoise


@pytest.mark.parametrize("schedule,respacing,method", [
    ("cosine", None, "ddpm"),
    ("linear", None, "ddpm"),  # respaced DDPM with fixed-small variance is biased low (Var[x0|x_t] is ignored)
    ("cosine", "ddim250", "ddim"),
    ("linear", "ddim250", "ddim"),
])
def test_gaussian_data_closed_form(schedule, respacing, method):
    d = GaussianDiffusion.from_schedule(schedule, 1000, var_type=ModelVarType.FIXED_SMALL)
    if respacing:
        d = d.respaced(respacing)
    n = 20000
    shape = (n, 1, 1, 1)
    x = sample_final(d, optimal_eps(d), TorchNoise(shape, 7), shape, method=method, eta=0.0, clip=False)
    se_mean = SD / math.sqrt(n)
    se_sd = SD / math.sqrt(2 * n)
    assert abs(float(x.mean()) - MU) < 4 * se_mean + 0.003
    assert abs(float(x.std()) - SD) < 4 * se_sd + 0.01 * SD


def test_wrong_model_is_detected_by_the_closed_form_check():
    """The check can fail: an eps-predictor for N(MU, (2 SD)^2) gives the wrong variance."""
    d = GaussianDiffusion.from_schedule("cosine", 1000).respaced("ddim100")

    def wrong(x, t_model):
        idx = torch.from_numpy(np.searchsorted(d.timestep_map, t_model.long().numpy()))
        ab = torch.from_numpy(d.alphas_cumprod)[idx].float()[:, None, None, None]
        return torch.sqrt(1 - ab) * (x - torch.sqrt(ab) * MU) / (ab * (2 * SD) ** 2 + 1 - ab)
    shape = (5000, 1, 1, 1)
    x = sample_final(d, wrong, TorchNoise(shape, 1), shape, method="ddim", clip=False)
    assert abs(float(x.std()) - SD) > 0.1


def zero_denoiser(channels_out=3):
    return lambda x, t: torch.zeros(x.shape[0], channels_out, *x.shape[2:])


def count_draws(**kw):
    d = GaussianDiffusion.from_schedule("cosine", 1000).respaced("ddim10")
    shape = (1, 3, 4, 4)
    noise = TorchNoise(shape, 0)
    task = InpaintTask(torch.zeros(shape), torch.ones(1, 1, 4, 4))
    steps = list(sample(d, zero_denoiser(), noise, shape, task=task, **kw))
    return noise.draws, steps


def test_draw_counts_follow_docs_rng_md():
    S = 10
    assert count_draws(method="ddpm")[0] == 1 + (S - 1)
    assert count_draws(method="ddim", eta=0.0)[0] == 1
    assert count_draws(method="ddim", eta=0.5)[0] == 1 + (S - 1)
    assert count_draws(method="ddpm", conditioning="replace")[0] == 1 + S + (S - 1)
    assert count_draws(method="ddpm", conditioning="palette")[0] == 1 + (S - 1)
    # strength 0.5 of 10 steps: start at level 4, 5 reverse steps
    draws, steps = count_draws(method="ddpm", strength=0.5)
    assert draws == 1 + 4 and len(steps) == 5
    # RePaint: S reverse steps + (r-1) * j * (jump points) reverse and as many undo steps
    moves = repaint_moves(S - 1, 2, 3)
    draws, steps = count_draws(method="repaint", conditioning="replace", jump_length=2, jump_n_sample=3)
    n_rev = moves.count("reverse")
    assert n_rev == S + 2 * 2 * 5 and moves.count("undo") == 2 * 2 * 5
    # start + one known-region draw per reverse + one z per reverse above level 0 + one per undo
    assert draws == 1 + n_rev + (n_rev - 3) + moves.count("undo")  # level 0 is left 3 times (r = 3)


def test_repaint_schedule_shape():
    for S, j, r in [(250, 10, 10), (10, 3, 2), (7, 10, 4), (20, 1, 1)]:
        moves = repaint_moves(S - 1, j, r)
        level, lowest = S - 1, S - 1
        for m in moves:
            level += 1 if m == "undo" else -1
            assert -1 <= level <= S - 1
            lowest = min(lowest, level)
        assert level == -1
        points = len(range(j, S + 1, j))
        assert moves.count("reverse") == S + (r - 1) * j * points
    assert repaint_moves(9, 10, 1) == ["reverse"] * 10
    # the paper's default setting: 250 steps, jump 10, 10 resamplings
    assert repaint_moves(249, 10, 10).count("reverse") == 250 + 9 * 10 * 25


def test_strength_levels():
    assert start_level_for_strength(50, 1.0) == 49
    assert start_level_for_strength(50, 0.5) == 24
    assert start_level_for_strength(50, 0.01) == 0
    with pytest.raises(ValueError):
        start_level_for_strength(50, 0.0)


@pytest.mark.parametrize("kw", [
    dict(method="ddpm", conditioning="replace"),
    dict(method="ddim", conditioning="palette"),
    dict(method="repaint", conditioning="replace", jump_length=2, jump_n_sample=2),
    dict(method="ddpm", conditioning="palette", strength=0.6),
])
def test_known_pixels_are_never_changed(kw):
    d = GaussianDiffusion.from_schedule("linear", 1000).respaced("ddim8")
    g = torch.Generator().manual_seed(0)
    src = torch.rand(2, 3, 8, 8, generator=g) * 2 - 1
    mask = torch.zeros(2, 1, 8, 8)
    mask[..., 2:5, 3:7] = 1
    cin = 7 if kw["conditioning"] == "palette" else 3
    model = lambda x, t: torch.tanh(x[:, :3] * 0.5 + x[:, cin - 1:cin] * 0 + 0.1)
    x = sample_final(d, model, NoiseSource(5, 2, (3, 8, 8)), (2, 3, 8, 8), task=InpaintTask(src, mask), **kw)
    keep = (mask == 0).expand_as(src)
    assert torch.equal(x[keep], src[keep])
    assert not torch.equal(x[~keep], src[~keep])


def test_batching_never_changes_a_sample():
    d = GaussianDiffusion.from_schedule("cosine", 1000).respaced("ddim5")
    model = lambda x, t: torch.tanh(x) * 0.9
    one = sample_final(d, model, NoiseSource(41, 1, (3, 4, 4)), (1, 3, 4, 4), method="ddpm")
    three = sample_final(d, model, NoiseSource(40, 3, (3, 4, 4)), (3, 3, 4, 4), method="ddpm")
    assert torch.equal(one[0], three[1])


def test_array_noise_replays_the_shared_rng():
    d = GaussianDiffusion.from_schedule("cosine", 1000).respaced("ddim4")
    model = lambda x, t: torch.tanh(x) * 0.5
    src = NoiseSource(9, 2, (3, 4, 4))
    rec = NoiseSource(9, 2, (3, 4, 4))
    arr = np.stack([rec.draw().numpy() for _ in range(4)])
    a = sample_final(d, model, src, (2, 3, 4, 4), method="ddpm")
    b = sample_final(d, model, ArrayNoise(arr), (2, 3, 4, 4), method="ddpm")
    assert torch.equal(a, b)
    with pytest.raises(IndexError):
        sample_final(d, model, ArrayNoise(arr[:2]), (2, 3, 4, 4), method="ddpm")
