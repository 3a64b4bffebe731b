#!/usr/bin/env python3
"""Write src/main/diffusion/fixtures/rng.json from the Python RNG (the TS test reads it)."""
import hashlib
import json
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from inpaint_training.rng import GaussianRng, ln, sincos_turns  # noqa: E402

OUT = Path(__file__).resolve().parents[1] / "src" / "main" / "diffusion" / "fixtures" / "rng.json"
SEEDS = [0, 1, 42, 12345, 2**31, 4294967295]
HASH_SEED = 12345
HASH_COUNT = 1_000_000


def main() -> None:
    cases = []
    for seed in SEEDS:
        g = GaussianRng(seed)
        uints = [g.next_uint32() for _ in range(16)]
        g = GaussianRng(seed)
        doubles = [g.next_double() for _ in range(16)]
        g = GaussianRng(seed)
        normals = [g.next_normal() for _ in range(16)]
        cases.append({"seed": seed, "uint32": uints, "doubles": doubles, "normals": normals})
    noise = GaussianRng(HASH_SEED).fill_normal(HASH_COUNT)
    digest = hashlib.sha256(noise.astype("<f4").tobytes()).hexdigest()
    rs = random.Random(2024)
    ln_inputs = [1.0, 0.5, 2.0, 1e-300, 5e-324, 0.7071067811865476, 1.4142135623730951, 2.0**-53, 1 - 2.0**-53]
    ln_inputs += [rs.random() for _ in range(20)] + [rs.random() * 1e6 for _ in range(5)]
    turns = [0.0, 0.125, 0.25, 0.375, 0.5, 0.625, 0.75, 0.875, 1 - 2.0**-53, 0.0625]
    turns += [rs.getrandbits(53) / 2**53 for _ in range(20)]
    fixture = {
        "spec": "docs/rng.md",
        "generator": "training/write_rng_fixture.py",
        "cases": cases,
        "hash": {"seed": HASH_SEED, "count": HASH_COUNT, "dtype": "float32-le",
                 "sha256": digest, "first": [float(v) for v in noise[:4]], "last": [float(v) for v in noise[-4:]]},
        "ln": [[x, ln(x)] for x in ln_inputs],
        "sinCosTurns": [[u, *sincos_turns(u)] for u in turns],
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(fixture, indent=1) + "\n")
    print(f"wrote {OUT} sha256(1e6 normals, seed {HASH_SEED}) = {digest}")


if __name__ == "__main__":
    main()
