"""Schedules, respacing, posterior and variance against independent closed forms."""
import math

import numpy as np
import pytest
import torch

from inpaint_training.diffusion import (GaussianDiffusion, LossSecondMomentSampler, LossType, ModelVarType,
                                        cosine_betas, linear_betas, space_timesteps)


def test_linear_schedule_endpoints_scale_with_T():
    b = linear_betas(1000)
    assert b[0] == pytest.approx(1e-4, rel=1e-15) and b[-1] == pytest.approx(0.02, rel=1e-15)
    assert np.allclose(np.diff(b), (0.02 - 1e-4) / 999, rtol=1e-9)
    b250 = linear_betas(250)
    assert b250[0] == pytest.approx(4e-4) and b250[-1] == pytest.approx(0.08)


def test_cosine_schedule_matches_closed_form():
    T = 1000
    b = cosine_betas(T)
    f = lambda t: math.cos((t / T + 0.008) / 1.008 * math.pi / 2) ** 2
    abar = np.cumprod(1 - b)
    for t in [0, 1, 10, 100, 500, 900, 990]:
        assert abar[t] == pytest.approx(f(t + 1) / f(0), rel=1e-12)
        assert b[t] == pytest.approx(min(1 - f(t + 1) / f(t), 0.999), rel=1e-12)
    assert b[-1] == 0.999  # f(T) = cos^2(pi/2) ~ 0: clipped
    assert b.dtype == np.float64


@pytest.mark.parametrize("T,spec,expected", [
    (1000, "ddim50", set(range(0, 1000, 20))),
    (1000, "ddim1000", set(range(1000))),
    (10, "ddim3", {0, 4, 8}),           # stride 4: range(0,10,4) has 3 elements (stride 3 gives 4)
    (6, [3], {0, 2, 5}),                # stride 2.5: round(2.5) = 2 (half to even)
    (8, [5], {0, 2, 4, 5, 7}),          # stride 1.75: 0, 1.75, 3.5 -> 4 (even), 5.25, 7
    (10, [4], {0, 3, 6, 9}),
    (10, "3,2", {0, 2, 4, 5, 9}),      # sections of 5: {0, 2, 4} and 5 + {0, 4}
    (11, [2, 2], {0, 5, 6, 10}),        # first section gets the extra step: sizes 6 and 5
    (100, [1], {0}),
    (26, [3], {0, 12, 25}),             # stride 12.5: round(12.5) = 12
    (14, [3], {0, 6, 13}),              # stride 6.5: round(6.5) = 6
])
def test_space_timesteps(T, spec, expected):
    assert space_timesteps(T, spec) == expected


def test_space_timesteps_errors():
    with pytest.raises(ValueError):
        space_timesteps(1000, "ddim999")  # no integer stride gives exactly 999
    with pytest.raises(ValueError):
        space_timesteps(10, [11])


def test_respaced_chain_keeps_alpha_bar_at_kept_steps():
    d = GaussianDiffusion.from_schedule("cosine", 1000)
    keep = sorted(space_timesteps(1000, "ddim25"))
    r = d.respaced(keep)
    assert np.allclose(r.alphas_cumprod, d.alphas_cumprod[keep], rtol=1e-12)
    assert list(r.timestep_map) == keep
    assert r.model_timesteps(torch.tensor([0, 24])).tolist() == [float(keep[0]), float(keep[-1])]


def test_posterior_equals_gaussian_product():
    """q(x_{t-1} | x_t, x_0) ∝ N(x_t; sqrt(a_t) x_{t-1}, b_t) N(x_{t-1}; sqrt(abar_{t-1}) x_0, 1 - abar_{t-1})."""
    betas = linear_betas(1000)
    d = GaussianDiffusion(betas)
    alphas = 1 - betas
    rng = np.random.default_rng(0)
    for t in [1, 2, 50, 500, 999]:
        abar_prev = np.prod(alphas[:t])  # independent of the module's cumprod arrays
        x0, xt = rng.normal(), rng.normal()
        prec = alphas[t] / betas[t] + 1 / (1 - abar_prev)
        mean = (math.sqrt(alphas[t]) * xt / betas[t] + math.sqrt(abar_prev) * x0 / (1 - abar_prev)) / prec
        m, v, logv = d.q_posterior(torch.tensor([[x0]], dtype=torch.float64), torch.tensor([[xt]], dtype=torch.float64),
                                   torch.tensor([t]))
        assert float(m) == pytest.approx(mean, rel=1e-5, abs=1e-6)
        assert float(v) == pytest.approx(1 / prec, rel=1e-5)
        assert float(logv) == pytest.approx(math.log(1 / prec), rel=1e-5)
    # t = 0: variance 0, its log clipped to the t = 1 value
    assert d.posterior_variance[0] == 0.0
    assert d.posterior_log_variance_clipped[0] == d.posterior_log_variance_clipped[1]


def test_x0_from_eps_inverts_q_sample():
    d = GaussianDiffusion.from_schedule("cosine", 1000)
    g = torch.Generator().manual_seed(1)
    x0 = torch.rand(4, 3, 8, 8, generator=g) * 1.8 - 0.9
    eps = torch.randn(4, 3, 8, 8, generator=g)
    t = torch.tensor([0, 10, 500, 950])
    xt = d.q_sample(x0, t, eps)
    assert torch.allclose(d.predict_x0_from_eps(xt, t, eps, clip=False), x0, atol=2e-3)
    assert torch.allclose(d.eps_from_x0(xt, t, x0)[:3], eps[:3], atol=1e-3)
    big = d.predict_x0_from_eps(xt, t, eps * 50)
    assert big.abs().max() <= 1.0  # clipped


def test_learned_range_variance():
    d = GaussianDiffusion.from_schedule("linear", 1000, var_type=ModelVarType.LEARNED_RANGE)
    t = torch.tensor([0, 1, 400, 999])
    like = torch.zeros(4, 1, 1, 1)
    for v, frac in [(-1.0, 0.0), (1.0, 1.0), (0.0, 0.5), (0.3, 0.65)]:
        got = d.log_variance(t, torch.full_like(like, v), like).flatten().double()
        for k, ti in enumerate(t.tolist()):
            want = frac * math.log(d.betas[ti]) + (1 - frac) * d.posterior_log_variance_clipped[ti]
            assert float(got[k]) == pytest.approx(want, rel=1e-5)
    fl = GaussianDiffusion.from_schedule("linear", 1000, var_type=ModelVarType.FIXED_LARGE)
    assert float(fl.log_variance(t, None, like)[2]) == pytest.approx(math.log(fl.betas[400]), rel=1e-6)
    assert float(fl.log_variance(t, None, like)[0]) == pytest.approx(math.log(fl.posterior_variance[1]), rel=1e-6)


def test_hybrid_loss_vb_trains_only_the_variance():
    d = GaussianDiffusion.from_schedule("cosine", 100, var_type=ModelVarType.LEARNED_RANGE, loss_type=LossType.HYBRID)
    x0 = torch.zeros(2, 3, 4, 4)
    out_param = torch.zeros(2, 6, 4, 4, requires_grad=True)
    model = lambda x, t: out_param * 1.0
    terms = d.training_losses(model, x0, torch.tensor([0, 50]), torch.randn(2, 3, 4, 4))
    assert torch.isfinite(terms["loss"]).all()
    (g,) = torch.autograd.grad(terms["vb"].sum(), out_param)
    assert g[:, :3].abs().max() == 0 and g[:, 3:].abs().max() > 0
    assert torch.allclose(terms["loss"], terms["mse"] + 0.001 * 100 * terms["vb"])


def test_conditional_loss_is_on_the_hole_only():
    d = GaussianDiffusion.from_schedule("cosine", 100)
    x0 = torch.zeros(1, 3, 4, 4)
    noise = torch.ones(1, 3, 4, 4)
    mask = torch.zeros(1, 1, 4, 4)
    mask[..., :2, :] = 1
    seen = {}

    def model(x_in, t):
        seen["x"] = x_in
        out = torch.zeros(1, 3, 4, 4)
        out[..., 2:, :] = 100.0  # wrong only outside the hole
        return out + 1.0

    terms = d.training_losses(model, x0, torch.tensor([5]), noise, cond=x0 * (1 - mask), mask=mask)
    assert float(terms["mse"]) == 0.0
    assert seen["x"].shape[1] == 7
    assert torch.equal(seen["x"][:, 6:], mask)
    assert torch.equal(seen["x"][:, :3, 2:, :], x0[..., 2:, :])  # clean source outside the hole


def test_importance_sampler_weights_follow_loss_second_moment():
    s = LossSecondMomentSampler(4, history=2, uniform_prob=0.0)
    assert np.allclose(s.weights(), 1)
    for t, l in [(0, 1.0), (0, 1.0), (1, 2.0), (1, 2.0), (2, 3.0), (2, 3.0), (3, 4.0), (3, 4.0)]:
        s.update(torch.tensor([t]), torch.tensor([l]))
    assert np.allclose(s.weights(), np.array([1, 2, 3, 4]) / 10)
