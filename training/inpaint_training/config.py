"""One defaults dict, named presets over it, and the factories built from it."""
from __future__ import annotations

import copy
from typing import Any

from .diffusion import GaussianDiffusion, LossType, ModelVarType
from .unet import UNetConfig, UNetModel

DEFAULTS: dict[str, Any] = {
    # what the model is
    "id": "photo-inpaint",
    "kind": "conditional-inpaint",  # or "unconditional"
    "image_size": 64,
    "channels": 3,
    # network
    "model_channels": 32,
    "channel_mult": (1, 2, 3, 4),
    "num_res_blocks": 2,
    "attention_resolutions": (16, 8),  # pixel resolutions, as guided-diffusion's "32,16,8" flag
    "num_heads": 4,
    "num_head_channels": -1,
    "dropout": 0.1,
    "use_scale_shift_norm": True,
    "resblock_updown": False,
    "use_new_attention_order": False,
    # diffusion
    "schedule": "cosine",
    "timesteps": 1000,
    "var_type": ModelVarType.LEARNED_RANGE.value,
    "loss": LossType.HYBRID.value,
    "vlb_weight": 0.001,
    "timestep_sampler": "uniform",
    # data
    "dataset": "wallpapers",
    "mask": "hybrid",
    "crop_short_side": 768,  # images are cached at this short side; crops are log-uniform up to it
    # optimisation
    "batch_size": 8,
    "lr": 2e-4,
    "weight_decay": 0.0,
    "grad_clip": 1.0,
    "ema_decay": 0.9995,
    "seed": 0,
    "threads": 2,
    "checkpoint_minutes": 10.0,
    "log_every": 50,
    "max_steps": 10_000_000,
    "licence": "",
}

PRESETS: dict[str, dict[str, Any]] = {
    "photo": {},
    "tiny": {
        "id": "tiny-inpaint",
        "image_size": 32,
        "model_channels": 32,
        "channel_mult": (1, 2, 2),
        "num_res_blocks": 1,
        "attention_resolutions": (8,),
        "num_heads": 2,
        "dropout": 0.0,
        "batch_size": 32,
        "lr": 2e-4,
        "ema_decay": 0.999,
        "crop_short_side": 384,
        "log_every": 25,
    },
    "fmnist": {
        "id": "fmnist-ddpm",
        "kind": "unconditional",
        "dataset": "fashion-mnist",
        "image_size": 32,
        "model_channels": 32,
        "channel_mult": (1, 2, 2),
        "num_res_blocks": 2,
        "attention_resolutions": (8,),
        "num_heads": 2,
        "dropout": 0.1,
        "batch_size": 32,
        "lr": 2e-4,
        "ema_decay": 0.9995,
    },
    # Public guided-diffusion checkpoints used by RePaint (architecture only; weights come from the user).
    "places256": {
        "id": "places256", "kind": "unconditional", "dataset": "none", "image_size": 256,
        "model_channels": 256, "channel_mult": (1, 1, 2, 2, 4, 4), "num_res_blocks": 2,
        "attention_resolutions": (32, 16, 8), "num_heads": 4, "num_head_channels": 64, "dropout": 0.0,
        "use_scale_shift_norm": True, "resblock_updown": True, "use_new_attention_order": False,
        "schedule": "linear", "timesteps": 1000, "var_type": "learned-range",
    },
}
PRESETS["celeba256"] = dict(PRESETS["places256"], id="celeba256")


def make_config(preset: str = "photo", **overrides: Any) -> dict[str, Any]:
    if preset not in PRESETS:
        raise ValueError(f"unknown preset {preset!r}; expected one of {sorted(PRESETS)}")
    cfg = copy.deepcopy(DEFAULTS)
    cfg.update(copy.deepcopy(PRESETS[preset]))
    for k, v in overrides.items():
        if k not in cfg:
            raise KeyError(f"unknown config key {k!r}")
        cfg[k] = v
    return cfg


def in_channels(cfg: dict) -> int:
    c = cfg["channels"]
    return 2 * c + 1 if cfg["kind"] == "conditional-inpaint" else c


def out_channels(cfg: dict) -> int:
    return 2 * cfg["channels"] if cfg["var_type"] == ModelVarType.LEARNED_RANGE.value else cfg["channels"]


def unet_config(cfg: dict) -> UNetConfig:
    return UNetConfig(
        in_channels=in_channels(cfg),
        model_channels=cfg["model_channels"],
        out_channels=out_channels(cfg),
        num_res_blocks=cfg["num_res_blocks"],
        attention_resolutions=tuple(cfg["image_size"] // r for r in cfg["attention_resolutions"]),
        dropout=cfg["dropout"],
        channel_mult=tuple(cfg["channel_mult"]),
        num_heads=cfg["num_heads"],
        num_head_channels=cfg["num_head_channels"],
        use_scale_shift_norm=cfg["use_scale_shift_norm"],
        resblock_updown=cfg["resblock_updown"],
        use_new_attention_order=cfg["use_new_attention_order"],
    )


def create_model(cfg: dict) -> UNetModel:
    return UNetModel(unet_config(cfg))


def create_diffusion(cfg: dict) -> GaussianDiffusion:
    return GaussianDiffusion.from_schedule(
        cfg["schedule"], cfg["timesteps"], var_type=ModelVarType(cfg["var_type"]),
        loss_type=LossType(cfg["loss"]), vlb_weight=cfg["vlb_weight"])
