"""A U-Net of the guided-diffusion family (Dhariwal & Nichol 2021), written here.

Parameter names and module nesting follow openai/guided-diffusion (MIT) so that
its public checkpoints, e.g. the celeba256/places256 models RePaint uses, load
with ``load_state_dict(strict=True)``:

    time_embed.{0,2}                      Linear, SiLU, Linear
    input_blocks.i.j                      conv / ResBlock / AttentionBlock / Downsample
    middle_block.{0,1,2}                  ResBlock, AttentionBlock, ResBlock
    output_blocks.i.j                     ResBlock / AttentionBlock / Upsample
    out.{0,2}                             GroupNorm, SiLU, conv
    ResBlock: in_layers.{0,2}, emb_layers.1, out_layers.{0,3}, skip_connection
    AttentionBlock: norm, qkv (Conv1d), proj_out (Conv1d)

Everything runs in float32 (fp16 checkpoint weights are upcast on load); the
network is fully convolutional apart from attention, so any H, W divisible by
2**(len(channel_mult)-1) works.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import torch
from torch import nn
from torch.nn import functional as F


def timestep_embedding(t: torch.Tensor, dim: int, max_period: float = 10000.0) -> torch.Tensor:
    """Sinusoidal embedding [N, dim] of (possibly fractional) timesteps [N]: cos half then sin half."""
    half = dim // 2
    freqs = torch.exp(-math.log(max_period) * torch.arange(half, dtype=torch.float32, device=t.device) / half)
    args = t.float()[:, None] * freqs[None]
    emb = torch.cat([torch.cos(args), torch.sin(args)], dim=-1)
    if dim % 2:
        emb = torch.cat([emb, torch.zeros_like(emb[:, :1])], dim=-1)
    return emb


def normalization(channels: int) -> nn.GroupNorm:
    return nn.GroupNorm(32, channels)


def zero_module(module: nn.Module) -> nn.Module:
    for p in module.parameters():
        nn.init.zeros_(p)
    return module


class TimestepBlock(nn.Module):
    """A module whose forward takes the timestep embedding as a second argument."""

    def forward(self, x: torch.Tensor, emb: torch.Tensor) -> torch.Tensor:  # pragma: no cover - interface
        raise NotImplementedError


class TimestepEmbedSequential(nn.Sequential):
    def forward(self, x: torch.Tensor, emb: torch.Tensor) -> torch.Tensor:  # type: ignore[override]
        for layer in self:
            x = layer(x, emb) if isinstance(layer, TimestepBlock) else layer(x)
        return x


class Upsample(nn.Module):
    def __init__(self, channels: int, use_conv: bool, out_channels: int | None = None):
        super().__init__()
        self.channels = channels
        self.out_channels = out_channels or channels
        self.use_conv = use_conv
        if use_conv:
            self.conv = nn.Conv2d(channels, self.out_channels, 3, padding=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = F.interpolate(x, scale_factor=2.0, mode="nearest")
        return self.conv(x) if self.use_conv else x


class Downsample(nn.Module):
    def __init__(self, channels: int, use_conv: bool, out_channels: int | None = None):
        super().__init__()
        self.channels = channels
        self.out_channels = out_channels or channels
        if use_conv:
            self.op = nn.Conv2d(channels, self.out_channels, 3, stride=2, padding=1)
        else:
            assert self.channels == self.out_channels
            self.op = nn.AvgPool2d(kernel_size=2, stride=2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.op(x)


class ResBlock(TimestepBlock):
    def __init__(self, channels: int, emb_channels: int, dropout: float, out_channels: int | None = None,
                 use_scale_shift_norm: bool = False, up: bool = False, down: bool = False):
        super().__init__()
        self.out_channels = out_channels or channels
        self.use_scale_shift_norm = use_scale_shift_norm
        self.in_layers = nn.Sequential(normalization(channels), nn.SiLU(),
                                       nn.Conv2d(channels, self.out_channels, 3, padding=1))
        self.updown = up or down
        if up:
            self.h_upd, self.x_upd = Upsample(channels, False), Upsample(channels, False)
        elif down:
            self.h_upd, self.x_upd = Downsample(channels, False), Downsample(channels, False)
        else:
            self.h_upd = self.x_upd = nn.Identity()
        self.emb_layers = nn.Sequential(
            nn.SiLU(), nn.Linear(emb_channels, 2 * self.out_channels if use_scale_shift_norm else self.out_channels))
        self.out_layers = nn.Sequential(
            normalization(self.out_channels), nn.SiLU(), nn.Dropout(p=dropout),
            zero_module(nn.Conv2d(self.out_channels, self.out_channels, 3, padding=1)))
        if self.out_channels == channels:
            self.skip_connection: nn.Module = nn.Identity()
        else:
            self.skip_connection = nn.Conv2d(channels, self.out_channels, 1)

    def forward(self, x: torch.Tensor, emb: torch.Tensor) -> torch.Tensor:
        if self.updown:
            h = self.in_layers[:-1](x)
            h = self.h_upd(h)
            x = self.x_upd(x)
            h = self.in_layers[-1](h)
        else:
            h = self.in_layers(x)
        emb_out = self.emb_layers(emb)[:, :, None, None]
        if self.use_scale_shift_norm:
            scale, shift = torch.chunk(emb_out, 2, dim=1)
            h = self.out_layers[0](h) * (1 + scale) + shift
            h = self.out_layers[1:](h)
        else:
            h = self.out_layers(h + emb_out)
        return self.skip_connection(x) + h


class AttentionBlock(nn.Module):
    """Spatial self-attention. ``legacy_order`` (guided-diffusion's default) splits
    qkv per head as [q|k|v] within each head; the new order splits q, k, v first."""

    def __init__(self, channels: int, num_heads: int = 1, num_head_channels: int = -1, legacy_order: bool = True):
        super().__init__()
        self.num_heads = num_heads if num_head_channels == -1 else channels // num_head_channels
        assert channels % self.num_heads == 0, f"{channels} channels not divisible into {self.num_heads} heads"
        self.legacy_order = legacy_order
        self.norm = normalization(channels)
        self.qkv = nn.Conv1d(channels, channels * 3, 1)
        self.proj_out = zero_module(nn.Conv1d(channels, channels, 1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, c, hh, ww = x.shape
        x = x.reshape(b, c, hh * ww)
        qkv = self.qkv(self.norm(x))
        length = hh * ww
        ch = c // self.num_heads
        if self.legacy_order:
            q, k, v = qkv.reshape(b * self.num_heads, ch * 3, length).split(ch, dim=1)
        else:
            q, k, v = (part.reshape(b * self.num_heads, ch, length) for part in qkv.chunk(3, dim=1))
        scale = 1.0 / math.sqrt(math.sqrt(ch))
        weight = torch.einsum("bct,bcs->bts", q * scale, k * scale)
        weight = torch.softmax(weight, dim=-1)
        a = torch.einsum("bts,bcs->bct", weight, v).reshape(b, c, length)
        return (x + self.proj_out(a)).reshape(b, c, hh, ww)


@dataclass
class UNetConfig:
    in_channels: int = 3
    model_channels: int = 64
    out_channels: int = 6
    num_res_blocks: int = 2
    attention_resolutions: tuple[int, ...] = (4, 8)  # downsample factors ("ds"), as guided-diffusion stores them
    dropout: float = 0.0
    channel_mult: tuple[int, ...] = (1, 2, 2, 4)
    conv_resample: bool = True
    num_heads: int = 4
    num_head_channels: int = -1
    num_heads_upsample: int = -1
    use_scale_shift_norm: bool = True
    resblock_updown: bool = False
    use_new_attention_order: bool = False
    extra: dict = field(default_factory=dict)


class UNetModel(nn.Module):
    """x [N, in_channels, H, W], t [N] (original timestep index, float) -> [N, out_channels, H, W]."""

    def __init__(self, cfg: UNetConfig):
        super().__init__()
        self.cfg = cfg
        mc = cfg.model_channels
        self.model_channels = mc
        heads_up = cfg.num_heads if cfg.num_heads_upsample == -1 else cfg.num_heads_upsample
        legacy = not cfg.use_new_attention_order
        ted = mc * 4
        self.time_embed = nn.Sequential(nn.Linear(mc, ted), nn.SiLU(), nn.Linear(ted, ted))

        def res(ch_in: int, ch_out: int | None = None, **kw) -> ResBlock:
            return ResBlock(ch_in, ted, cfg.dropout, out_channels=ch_out,
                            use_scale_shift_norm=cfg.use_scale_shift_norm, **kw)

        def attn(ch: int, heads: int) -> AttentionBlock:
            return AttentionBlock(ch, num_heads=heads, num_head_channels=cfg.num_head_channels, legacy_order=legacy)

        ch = input_ch = int(cfg.channel_mult[0] * mc)
        self.input_blocks = nn.ModuleList([TimestepEmbedSequential(nn.Conv2d(cfg.in_channels, ch, 3, padding=1))])
        chans = [ch]
        ds = 1
        for level, mult in enumerate(cfg.channel_mult):
            for _ in range(cfg.num_res_blocks):
                layers: list[nn.Module] = [res(ch, int(mult * mc))]
                ch = int(mult * mc)
                if ds in cfg.attention_resolutions:
                    layers.append(attn(ch, cfg.num_heads))
                self.input_blocks.append(TimestepEmbedSequential(*layers))
                chans.append(ch)
            if level != len(cfg.channel_mult) - 1:
                self.input_blocks.append(TimestepEmbedSequential(
                    res(ch, ch, down=True) if cfg.resblock_updown else Downsample(ch, cfg.conv_resample, ch)))
                chans.append(ch)
                ds *= 2
        self.downsample_factor = ds
        self.middle_block = TimestepEmbedSequential(res(ch), attn(ch, cfg.num_heads), res(ch))
        self.output_blocks = nn.ModuleList([])
        for level, mult in list(enumerate(cfg.channel_mult))[::-1]:
            for i in range(cfg.num_res_blocks + 1):
                skip = chans.pop()
                layers = [res(ch + skip, int(mc * mult))]
                ch = int(mc * mult)
                if ds in cfg.attention_resolutions:
                    layers.append(attn(ch, heads_up))
                if level and i == cfg.num_res_blocks:
                    layers.append(res(ch, ch, up=True) if cfg.resblock_updown else Upsample(ch, cfg.conv_resample, ch))
                    ds //= 2
                self.output_blocks.append(TimestepEmbedSequential(*layers))
        self.out = nn.Sequential(normalization(ch), nn.SiLU(),
                                 zero_module(nn.Conv2d(input_ch, cfg.out_channels, 3, padding=1)))

    def forward(self, x: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        if x.dim() != 4 or x.shape[1] != self.cfg.in_channels:
            raise ValueError(f"x must be [N, {self.cfg.in_channels}, H, W], got {list(x.shape)}")
        f = self.downsample_factor
        if x.shape[2] % f or x.shape[3] % f:
            raise ValueError(f"H and W must be multiples of {f}, got {list(x.shape)}")
        emb = self.time_embed(timestep_embedding(t, self.model_channels))
        hs = []
        h = x
        for module in self.input_blocks:
            h = module(h, emb)
            hs.append(h)
        h = self.middle_block(h, emb)
        for module in self.output_blocks:
            h = module(torch.cat([h, hs.pop()], dim=1), emb)
        return self.out(h)


def count_parameters(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())
