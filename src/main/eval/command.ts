/**
 * `inpaint-studio eval <photos...>`: registered on the CLI program by
 * `registerEvalCommand(program)`. A developer/evaluation command: it needs the
 * repository's tools/eval/classical_inpaint.py and Debian's python3-opencv
 * and python3-skimage for the classical baselines (without them those rows
 * report why they are missing and the rest still runs).
 */
import { InvalidArgumentError, type Command } from 'commander';
import path from 'node:path';
import { defaultDataDir } from '../data-dir';
import { defaultPython } from './classical';
import { MASK_FAMILIES, isMaskFamily, type MaskFamily } from './masks';
import { DEFAULT_METHODS } from './methods';
import { runEval } from './runner';

function intOption(name: string, min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`${name} must be an integer from ${min} to ${max}`);
    return n;
  };
}

function familiesOption(value: string): MaskFamily[] {
  const names = value.split(',').map((s) => s.trim()).filter(Boolean).map((s) => (s === 'center' ? 'centre' : s));
  for (const n of names) if (!isMaskFamily(n)) throw new InvalidArgumentError(`unknown mask family "${n}" (choose from ${MASK_FAMILIES.join(', ')})`);
  if (!names.length) throw new InvalidArgumentError('name at least one mask family');
  return names as MaskFamily[];
}

function listOption(value: string): string[] {
  return value.split(',').map((s) => s.trim()).filter(Boolean);
}

interface EvalCommandOptions {
  masks?: string; families: MaskFamily[]; perFamily: number; methods: string[]; samples: number; seed: number; steps?: number;
  maxSize: number; workingEdge?: number; out: string; python: string; dataDir: string; limit?: number;
}

export function registerEvalCommand(program: Command): Command {
  return program.command('eval')
    .description('compare fill methods on photos with known content: fidelity inside the mask, realism proxies, changes outside the mask, diversity; writes a table and an HTML report')
    .argument('<photos...>', 'folders of photos, photo files, or .txt lists of photo paths (held-out photos, not used for training)')
    .option('--masks <dir>', 'masks named <photo-stem>.png or <photo-stem>.<name>.png (white = fill), resized to each photo; instead of generated families')
    .option('--families <list>', `generated mask families, comma-separated (${MASK_FAMILIES.join(', ')})`, familiesOption, [...MASK_FAMILIES])
    .option('--per-family <n>', 'generated masks per family and photo', intOption('--per-family', 1, 50), 1)
    .option('--methods <list>', 'methods, comma-separated: diffusion (every installed RGB model) or diffusion:<id>, diffusion-raw[:<id>] (no full-resolution stage), patchmatch, pm-telea (PatchMatch guided by Telea), telea, ns, biharmonic', listOption, [...DEFAULT_METHODS])
    .option('--samples <n>', 'samples per stochastic method (diversity needs 2 or more)', intOption('--samples', 1, 16), 2)
    .option('--seed <s>', 'seed for masks and samples', intOption('--seed', 0, 0xffffffff), 0)
    .option('--steps <n>', 'diffusion steps (default: the pipeline default)', intOption('--steps', 1, 1000))
    .option('--max-size <px>', 'downscale photos so the long edge is at most this (eval speed; the report says so)', intOption('--max-size', 32, 16384), 512)
    .option('--working-edge <px>', "diffusion working resolution (long edge of the context crop; default: each model's own)", intOption('--working-edge', 16, 4096))
    .option('--limit <n>', 'use at most this many photos', intOption('--limit', 1, 100000))
    .option('--out <dir>', 'output folder (results.csv, results.json, summary.md, report.html, thumbs/)', 'eval-report')
    .option('--python <path>', 'Python with OpenCV and scikit-image for the classical baselines', defaultPython())
    .option('--data-dir <dir>', 'data folder whose models/ are also used', defaultDataDir())
    .action(async (photos: string[], o: EvalCommandOptions) => {
      const out = path.resolve(o.out);
      const run = await runEval({
        inputs: photos, ...(o.masks ? { masksDir: path.resolve(o.masks) } : {}), families: o.families, masksPerFamily: o.perFamily,
        methods: o.methods, samples: o.samples, seed: o.seed, steps: o.steps ?? null, maxSize: o.maxSize, maxWorkingEdge: o.workingEdge ?? null,
        out, python: o.python, dataDir: o.dataDir, ...(o.limit ? { limit: o.limit } : {}),
        command: ['inpaint-studio', 'eval', ...process.argv.slice(3)].join(' '),
        log: (line) => console.error(line),
      });
      const failed = run.rows.filter((r) => r.error).length;
      console.log(path.join(out, 'summary.md'));
      console.log(path.join(out, 'report.html'));
      if (failed) console.error(`${failed} method runs failed; see the Failures section of the report`);
    });
}
