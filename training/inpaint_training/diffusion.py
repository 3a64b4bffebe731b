"""Gaussian diffusion: schedules, respacing, q/p helpers and training losses.

Follows DESIGN.md section 3/8 and the notation of Ho et al. 2020 and Nichol &
Dhariwal 2021. Schedules and coefficient arrays are float64 numpy; tensors are
gathered per batch from them. ``q_*`` is the forward process, ``p_*`` the
reverse; the model is passed in, never owned.
"""
from __future__ import annotations

import enum
import math
from typing import Callable, Iterable, Sequence

import numpy as np
import torch


class ModelMeanType(enum.Enum):
    EPSILON = "epsilon"


class ModelVarType(enum.Enum):
    FIXED_SMALL = "fixed-small"
    FIXED_LARGE = "fixed-large"
    LEARNED_RANGE = "learned-range"


class LossType(enum.Enum):
    SIMPLE = "simple"  # MSE on epsilon (L_simple)
    HYBRID = "hybrid"  # L_simple + lambda * L_vlb, stop-grad on the mean for L_vlb


# ---------------------------------------------------------------- schedules


def linear_betas(num_timesteps: int) -> np.ndarray:
    scale = 1000.0 / num_timesteps
    return np.linspace(scale * 0.0001, scale * 0.02, num_timesteps, dtype=np.float64)


def cosine_alpha_bar(t: float | np.ndarray, num_timesteps: int) -> np.ndarray:
    """f(t)/f(0) with f(t) = cos^2(((t/T) + 0.008)/1.008 * pi/2)."""
    f = lambda s: np.cos(((np.asarray(s, dtype=np.float64) / num_timesteps) + 0.008) / 1.008 * math.pi / 2) ** 2
    return f(t) / f(0.0)


def cosine_betas(num_timesteps: int, max_beta: float = 0.999) -> np.ndarray:
    t = np.arange(num_timesteps, dtype=np.float64)
    betas = 1.0 - cosine_alpha_bar(t + 1, num_timesteps) / cosine_alpha_bar(t, num_timesteps)
    return np.minimum(betas, max_beta)


def named_betas(name: str, num_timesteps: int) -> np.ndarray:
    if name == "linear":
        return linear_betas(num_timesteps)
    if name == "cosine":
        return cosine_betas(num_timesteps)
    raise ValueError(f"unknown beta schedule {name!r} (expected 'linear' or 'cosine')")


def space_timesteps(num_timesteps: int, section_counts: str | Sequence[int]) -> set[int]:
    """Kept original steps, with guided-diffusion's semantics.

    "ddimN": the stride i (smallest first) for which range(0, T, i) has exactly N
    elements. Otherwise "a,b,c" or a list: the T steps are split into equal
    sections (the first T % k get one extra) and each section takes its count of
    evenly strided steps, ``round`` being Python's round-half-to-even applied to
    a float index accumulated by repeated addition.
    """
    if isinstance(section_counts, str):
        if section_counts.startswith("ddim"):
            desired = int(section_counts[len("ddim"):])
            for i in range(1, num_timesteps):
                if len(range(0, num_timesteps, i)) == desired:
                    return set(range(0, num_timesteps, i))
            raise ValueError(f"cannot create exactly {desired} steps with an integer stride from {num_timesteps}")
        section_counts = [int(x) for x in section_counts.split(",")]
    size_per = num_timesteps // len(section_counts)
    extra = num_timesteps % len(section_counts)
    start = 0
    steps: list[int] = []
    for i, count in enumerate(section_counts):
        size = size_per + (1 if i < extra else 0)
        if size < count:
            raise ValueError(f"cannot divide section of {size} steps into {count}")
        stride = 1 if count <= 1 else (size - 1) / (count - 1)
        cur = 0.0
        for _ in range(count):
            steps.append(start + round(cur))
            cur += stride
        start += size
    return set(steps)


# ---------------------------------------------------------------- helpers


def _gather(arr: np.ndarray, t: torch.Tensor, ndim: int) -> torch.Tensor:
    out = torch.from_numpy(arr).to(t.device)[t.long()].float()
    return out.reshape(-1, *([1] * (ndim - 1)))


def normal_kl(mean1, logvar1, mean2, logvar2):
    return 0.5 * (-1.0 + logvar2 - logvar1 + torch.exp(logvar1 - logvar2)
                  + (mean1 - mean2) ** 2 * torch.exp(-logvar2))


def discretized_gaussian_log_likelihood(x: torch.Tensor, means: torch.Tensor, log_scales: torch.Tensor) -> torch.Tensor:
    """log p(x) for x in [-1, 1] quantised to 256 bins, under N(means, exp(log_scales)^2)."""
    cdf = lambda v: 0.5 * (1.0 + torch.erf(v / math.sqrt(2.0)))
    centered = x - means
    inv_std = torch.exp(-log_scales)
    cdf_plus = cdf(inv_std * (centered + 1.0 / 255.0))
    cdf_min = cdf(inv_std * (centered - 1.0 / 255.0))
    log_cdf_plus = torch.log(cdf_plus.clamp(min=1e-12))
    log_one_minus_cdf_min = torch.log((1.0 - cdf_min).clamp(min=1e-12))
    cdf_delta = cdf_plus - cdf_min
    return torch.where(x < -0.999, log_cdf_plus,
                       torch.where(x > 0.999, log_one_minus_cdf_min, torch.log(cdf_delta.clamp(min=1e-12))))


def masked_mean(x: torch.Tensor, mask: torch.Tensor | None) -> torch.Tensor:
    """Per-sample mean over C, H, W; with a mask [N,1,H,W] only over the hole (mask = 1)."""
    if mask is None:
        return x.mean(dim=list(range(1, x.dim())))
    m = mask.expand_as(x)
    return (x * m).sum(dim=list(range(1, x.dim()))) / m.sum(dim=list(range(1, x.dim()))).clamp(min=1.0)


# ---------------------------------------------------------------- diffusion


class GaussianDiffusion:
    """Coefficient arrays for a (possibly respaced) schedule.

    ``timestep_map[i]`` is the original step the network must be given for
    internal index i (identity unless respaced).
    """

    def __init__(self, betas: np.ndarray, var_type: ModelVarType = ModelVarType.FIXED_SMALL,
                 loss_type: LossType = LossType.SIMPLE, timestep_map: Iterable[int] | None = None,
                 original_num_timesteps: int | None = None, vlb_weight: float = 0.001):
        betas = np.asarray(betas, dtype=np.float64)
        assert betas.ndim == 1 and (betas > 0).all() and (betas <= 1).all()
        self.betas = betas
        self.var_type = var_type
        self.loss_type = loss_type
        self.vlb_weight = vlb_weight
        self.num_timesteps = T = len(betas)
        self.timestep_map = np.arange(T) if timestep_map is None else np.asarray(list(timestep_map), dtype=np.int64)
        self.original_num_timesteps = original_num_timesteps or T
        alphas = 1.0 - betas
        self.alphas_cumprod = np.cumprod(alphas)
        self.alphas_cumprod_prev = np.append(1.0, self.alphas_cumprod[:-1])
        self.sqrt_alphas_cumprod = np.sqrt(self.alphas_cumprod)
        self.sqrt_one_minus_alphas_cumprod = np.sqrt(1.0 - self.alphas_cumprod)
        self.sqrt_recip_alphas_cumprod = np.sqrt(1.0 / self.alphas_cumprod)
        self.sqrt_recipm1_alphas_cumprod = np.sqrt(1.0 / self.alphas_cumprod - 1.0)
        self.posterior_variance = betas * (1.0 - self.alphas_cumprod_prev) / (1.0 - self.alphas_cumprod)
        pv1 = self.posterior_variance[1] if T > 1 else betas[0]
        self.posterior_log_variance_clipped = np.log(np.append(pv1, self.posterior_variance[1:]))
        self.posterior_mean_coef1 = betas * np.sqrt(self.alphas_cumprod_prev) / (1.0 - self.alphas_cumprod)
        self.posterior_mean_coef2 = (1.0 - self.alphas_cumprod_prev) * np.sqrt(alphas) / (1.0 - self.alphas_cumprod)
        # fixed-large: beta_t, with the t = 0 entry replaced by the posterior variance at t = 1
        self.fixed_large_variance = np.append(pv1, betas[1:])
        self.fixed_large_log_variance = np.log(self.fixed_large_variance)

    # -------------------------------------------------- construction

    @classmethod
    def from_schedule(cls, schedule: str, num_timesteps: int, **kw) -> "GaussianDiffusion":
        return cls(named_betas(schedule, num_timesteps), **kw)

    def respaced(self, use_timesteps: Iterable[int] | str) -> "GaussianDiffusion":
        """A diffusion over the kept steps: beta'_i = 1 - abar_i / abar_prev_kept."""
        if isinstance(use_timesteps, str):
            use_timesteps = space_timesteps(self.num_timesteps, use_timesteps)
        keep = sorted(set(int(i) for i in use_timesteps))
        if not keep or keep[0] < 0 or keep[-1] >= self.num_timesteps:
            raise ValueError(f"respacing steps must lie in [0, {self.num_timesteps})")
        new_betas, last = [], 1.0
        for i in keep:
            new_betas.append(1.0 - self.alphas_cumprod[i] / last)
            last = self.alphas_cumprod[i]
        return GaussianDiffusion(np.array(new_betas), self.var_type, self.loss_type,
                                 timestep_map=self.timestep_map[keep],
                                 original_num_timesteps=self.original_num_timesteps, vlb_weight=self.vlb_weight)

    def model_timesteps(self, t: torch.Tensor) -> torch.Tensor:
        """Internal indices -> the original step values the network receives (float32)."""
        return torch.from_numpy(self.timestep_map).to(t.device)[t.long()].float()

    # -------------------------------------------------- forward process

    def q_sample(self, x_start: torch.Tensor, t: torch.Tensor, noise: torch.Tensor) -> torch.Tensor:
        n = x_start.dim()
        return _gather(self.sqrt_alphas_cumprod, t, n) * x_start + _gather(self.sqrt_one_minus_alphas_cumprod, t, n) * noise

    def q_posterior(self, x_start: torch.Tensor, x_t: torch.Tensor, t: torch.Tensor):
        n = x_t.dim()
        mean = _gather(self.posterior_mean_coef1, t, n) * x_start + _gather(self.posterior_mean_coef2, t, n) * x_t
        return mean, _gather(self.posterior_variance, t, n), _gather(self.posterior_log_variance_clipped, t, n)

    # -------------------------------------------------- reverse process

    def predict_x0_from_eps(self, x_t: torch.Tensor, t: torch.Tensor, eps: torch.Tensor, clip: bool = True) -> torch.Tensor:
        n = x_t.dim()
        x0 = _gather(self.sqrt_recip_alphas_cumprod, t, n) * x_t - _gather(self.sqrt_recipm1_alphas_cumprod, t, n) * eps
        return x0.clamp(-1.0, 1.0) if clip else x0

    def eps_from_x0(self, x_t: torch.Tensor, t: torch.Tensor, x0: torch.Tensor) -> torch.Tensor:
        n = x_t.dim()
        return (_gather(self.sqrt_recip_alphas_cumprod, t, n) * x_t - x0) / _gather(self.sqrt_recipm1_alphas_cumprod, t, n)

    def split_output(self, out: torch.Tensor, channels: int):
        if self.var_type == ModelVarType.LEARNED_RANGE:
            if out.shape[1] != 2 * channels:
                raise ValueError(f"learned-range model must output {2 * channels} channels, got {list(out.shape)}")
            return out[:, :channels], out[:, channels:]
        if out.shape[1] == 2 * channels:  # a learn_sigma network used with a fixed variance
            return out[:, :channels], None
        if out.shape[1] != channels:
            raise ValueError(f"model must output {channels} channels, got {list(out.shape)}")
        return out, None

    def log_variance(self, t: torch.Tensor, v: torch.Tensor | None, like: torch.Tensor) -> torch.Tensor:
        n = like.dim()
        if self.var_type == ModelVarType.FIXED_SMALL:
            return _gather(self.posterior_log_variance_clipped, t, n).expand_as(like)
        if self.var_type == ModelVarType.FIXED_LARGE:
            return _gather(self.fixed_large_log_variance, t, n).expand_as(like)
        assert v is not None
        min_log = _gather(self.posterior_log_variance_clipped, t, n)
        max_log = _gather(np.log(self.betas), t, n)
        frac = (v + 1.0) / 2.0
        return frac * max_log + (1.0 - frac) * min_log

    def p_mean_variance(self, out: torch.Tensor, x_t: torch.Tensor, t: torch.Tensor, clip: bool = True):
        """From the raw network output: eps, x0 (clipped), posterior mean and log variance."""
        eps, v = self.split_output(out, x_t.shape[1])
        log_var = self.log_variance(t, v, x_t)
        x0 = self.predict_x0_from_eps(x_t, t, eps, clip=clip)
        mean, _, _ = self.q_posterior(x0, x_t, t)
        return {"eps": eps, "pred_x0": x0, "mean": mean, "log_variance": log_var}

    # -------------------------------------------------- training

    def training_losses(self, model: Callable, x_start: torch.Tensor, t: torch.Tensor, noise: torch.Tensor,
                        cond: torch.Tensor | None = None, mask: torch.Tensor | None = None) -> dict:
        """Per-sample losses.

        Unconditional: model(x_t, t). Conditional (Palette): the network input is
        [x_t' | cond | mask] where x_t' keeps x_t in the hole and the clean x_0
        outside it (as at sampling time), and the loss is on the hole only.
        """
        x_t = self.q_sample(x_start, t, noise)
        if cond is not None:
            assert mask is not None
            x_in = torch.cat([mask * x_t + (1.0 - mask) * x_start, cond, mask], dim=1)
        else:
            x_in = x_t
        out = model(x_in, self.model_timesteps(t))
        eps, v = self.split_output(out, x_start.shape[1])
        terms = {"mse": masked_mean((noise - eps) ** 2, mask)}
        if self.loss_type == LossType.HYBRID:
            if self.var_type != ModelVarType.LEARNED_RANGE:
                raise ValueError("the hybrid loss needs a learned-range variance")
            frozen = torch.cat([eps.detach(), v], dim=1)  # L_vlb trains only the variance
            terms["vb"] = self._vb_terms_bpd(frozen, x_start, x_t, t, mask)
            # lambda * L_vlb, with L_vlb estimated as T * L_t (Nichol & Dhariwal 2021, lambda = 0.001)
            terms["loss"] = terms["mse"] + self.vlb_weight * self.num_timesteps * terms["vb"]
        else:
            terms["loss"] = terms["mse"]
        return terms

    def _vb_terms_bpd(self, out, x_start, x_t, t, mask=None) -> torch.Tensor:
        true_mean, _, true_log_var = self.q_posterior(x_start, x_t, t)
        p = self.p_mean_variance(out, x_t, t, clip=False)
        kl = normal_kl(true_mean, true_log_var, p["mean"], p["log_variance"])
        kl = masked_mean(kl, mask) / math.log(2.0)
        nll = -discretized_gaussian_log_likelihood(x_start, p["mean"], 0.5 * p["log_variance"])
        nll = masked_mean(nll, mask) / math.log(2.0)
        return torch.where(t == 0, nll, kl)


# ---------------------------------------------------------------- timestep samplers


class UniformSampler:
    def __init__(self, num_timesteps: int):
        self.num_timesteps = num_timesteps

    def weights(self) -> np.ndarray:
        return np.ones(self.num_timesteps)

    def sample(self, batch: int, gen: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
        w = self.weights()
        p = torch.from_numpy(w / w.sum())
        t = torch.multinomial(p, batch, replacement=True, generator=gen)
        weights = torch.from_numpy(1.0 / (len(p) * p.numpy()[t.numpy()])).float()
        return t, weights

    def update(self, t: torch.Tensor, losses: torch.Tensor) -> None:
        pass


class LossSecondMomentSampler(UniformSampler):
    """Importance sampling p_t ∝ sqrt(E[L_t^2]) over the last ``history`` losses per t,
    mixed with a uniform ``uniform_prob``; uniform until every t has a full history."""

    def __init__(self, num_timesteps: int, history: int = 10, uniform_prob: float = 0.001):
        super().__init__(num_timesteps)
        self.history = history
        self.uniform_prob = uniform_prob
        self.loss_history = np.zeros((num_timesteps, history), dtype=np.float64)
        self.loss_counts = np.zeros(num_timesteps, dtype=np.int64)

    def warmed_up(self) -> bool:
        return bool((self.loss_counts == self.history).all())

    def weights(self) -> np.ndarray:
        if not self.warmed_up():
            return np.ones(self.num_timesteps)
        w = np.sqrt(np.mean(self.loss_history ** 2, axis=-1))
        w /= w.sum()
        w *= 1 - self.uniform_prob
        w += self.uniform_prob / len(w)
        return w

    def update(self, t: torch.Tensor, losses: torch.Tensor) -> None:
        for ti, li in zip(t.tolist(), losses.detach().tolist()):
            if self.loss_counts[ti] == self.history:
                self.loss_history[ti, :-1] = self.loss_history[ti, 1:]
                self.loss_history[ti, -1] = li
            else:
                self.loss_history[ti, self.loss_counts[ti]] = li
                self.loss_counts[ti] += 1


def timestep_sampler(name: str, num_timesteps: int) -> UniformSampler:
    if name == "uniform":
        return UniformSampler(num_timesteps)
    if name == "loss-second-moment":
        return LossSecondMomentSampler(num_timesteps)
    raise ValueError(f"unknown timestep sampler {name!r}")
