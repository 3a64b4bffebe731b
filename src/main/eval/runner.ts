/**
 * `inpaint-studio eval`: runs the chosen methods on every (photo, mask) case,
 * scores them and writes results.csv, results.json, summary.md and
 * report.html (with thumbnails) into the output folder.
 */
import { promises as fs } from 'node:fs';
import { makeDir } from '../make-dir';
import path from 'node:path';
import { maskCoverage } from '../../shared/mask-ops';
import { resolveWorkingEdge } from '../../shared/manifest';
import { listModels, loadModel, type InstalledModel, type LoadedModel } from '../inference/models';
import { modelRoots } from '../inference/catalog';
import { DEFAULT_DIFFUSION_STEPS } from '../pipeline/methods';
import { packageRoot } from '../workers/paths';
import { runClassical, type ClassicalMethod, type ClassicalOutcome } from './classical';
import { outsideChange, type Rgb8 } from './fidelity';
import { outsideChangeHeatmap } from './heatmap';
import { generateMask, type MaskFamily } from './masks';
import { diffusionRawFill, expandMethods, guidedPatchMatchFill, pipelineFill, type FillContext, type MethodSpec } from './methods';
import { collectPhotos, findMasks, loadMask, loadPhoto, readRgbPng, writeMaskPng, writePng, type LoadedPhoto } from './photos';
import { defaultRingRadius, ringMask } from './realism';
import { reportHtml, summaryMarkdown, toCsv, type EvalCase, type EvalRow, type EvalRun } from './report';
import { scoreCase } from './score';
import { contextBox, cropRgb, heatmapThumb, jpegThumb, maskOverlay } from './thumbs';

export interface EvalOptions {
  readonly inputs: readonly string[];
  readonly masksDir?: string;
  readonly families: readonly MaskFamily[];
  readonly masksPerFamily: number;
  readonly methods: readonly string[];
  readonly samples: number;
  readonly seed: number;
  readonly steps: number | null;
  readonly maxSize: number;
  /** Long edge of the diffusion working crop; null: each model's own (its manifest's workingEdge). */
  readonly maxWorkingEdge: number | null;
  readonly out: string;
  readonly python: string;
  /** Folders holding model folders; default: the app's models/ and <data-dir>/models. */
  readonly modelRoots?: readonly string[];
  readonly dataDir: string;
  readonly limit?: number;
  readonly thumbEdge?: number;
  readonly command: string;
  readonly log?: (line: string) => void;
}

interface CaseInput { readonly family: string; readonly maskSource: string; readonly mask: Uint8Array }

/** A mask seed that depends on the run seed, the photo and the repetition, not on the family list. */
function maskSeed(runSeed: number, photoIndex: number, k: number): number {
  return (Math.imul(runSeed + 1, 0x9e3779b1) ^ Math.imul(photoIndex + 1, 0x85ebca6b) ^ Math.imul(k + 1, 0xc2b2ae35)) >>> 0;
}

async function casesFor(photo: LoadedPhoto, photoIndex: number, o: EvalOptions, notes: string[]): Promise<CaseInput[]> {
  const { width, height } = photo.image;
  const out: CaseInput[] = [];
  if (o.masksDir) {
    const files = await findMasks(o.masksDir, photo.file);
    if (!files.length) notes.push(`${photo.name}: no mask named ${photo.name}.png or ${photo.name}.*.png in ${o.masksDir}; skipped`);
    for (const f of files) out.push({ family: 'file', maskSource: path.basename(f), mask: await loadMask(f, width, height) });
  } else {
    for (const family of o.families) for (let k = 0; k < o.masksPerFamily; k++) {
      const seed = maskSeed(o.seed, photoIndex, k);
      out.push({ family, maskSource: `${family}#${seed}`, mask: generateMask(family, width, height, seed) });
    }
  }
  return out.filter((c) => {
    const cov = maskCoverage(c.mask);
    if (cov === 0 || cov === 1) notes.push(`${photo.name} ${c.maskSource}: the mask is ${cov === 0 ? 'empty' : 'the whole frame'}; skipped`);
    return cov > 0 && cov < 1;
  });
}

function safeName(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 60);
}

interface Produced { readonly results: Rgb8[]; readonly millisPerSample: number }

async function produce(spec: MethodSpec, ctx: FillContext, models: Map<string, LoadedModel>, classical: Map<ClassicalMethod, ClassicalOutcome>, photo: Rgb8): Promise<Produced> {
  const started = performance.now();
  const timed = (results: Rgb8[]): Produced => ({ results, millisPerSample: (performance.now() - started) / results.length });
  const classicalResult = async (m: ClassicalMethod): Promise<{ img: Rgb8; millis: number }> => {
    const o = classical.get(m);
    if (!o) throw new Error(`${m} was not run`);
    if ('error' in o) throw new Error(o.error);
    return { img: await readRgbPng(o.out, photo.width, photo.height), millis: o.millis };
  };
  switch (spec.kind) {
    case 'original':
      return { results: [photo], millisPerSample: 0 };
    case 'patchmatch':
      return timed(await pipelineFill(ctx, 'patchmatch'));
    case 'diffusion':
      return timed(await pipelineFill(ctx, 'diffusion', models.get(spec.model)!));
    case 'diffusion-raw':
      return timed(await diffusionRawFill(ctx, models.get(spec.model)!));
    case 'pm-telea': {
      const telea = await classicalResult('telea');
      const t0 = performance.now();
      const results = await guidedPatchMatchFill(ctx, telea.img);
      // The guide's own cost is part of the method.
      return { results, millisPerSample: (performance.now() - t0) / results.length + telea.millis };
    }
    case 'classical': {
      const r = await classicalResult(spec.method);
      return { results: [r.img], millisPerSample: r.millis };
    }
  }
}

export async function runEval(o: EvalOptions): Promise<EvalRun> {
  const log = o.log ?? (() => {});
  const startedAt = new Date().toISOString();
  const notes: string[] = [];
  const photoFiles = (await collectPhotos(o.inputs)).slice(0, o.limit ?? Infinity);
  const roots = o.modelRoots ?? modelRoots(packageRoot(), o.dataDir);
  const installed: InstalledModel[] = [];
  const problems: string[] = [];
  for (const root of roots) {
    const r = await listModels(root);
    for (const m of r.models) if (m.manifest.channels === 3 && !installed.some((i) => i.manifest.id === m.manifest.id)) installed.push(m);
    // Segmentation models share models/ but are not diffusion manifests; only diffusion-looking problems matter here.
    problems.push(...r.problems.filter((p) => !/kind: Invalid option/.test(p)));
  }
  notes.push(...problems.map((p) => `model problem: ${p}`));
  const specs = expandMethods(o.methods, installed.map((m) => m.manifest.id), problems);
  if (o.methods.some((m) => m.startsWith('diffusion')) && !specs.some((s) => s.kind === 'diffusion' || s.kind === 'diffusion-raw')) {
    notes.push('diffusion was requested but no RGB diffusion model is installed; it is missing from the tables');
  }
  const models = new Map<string, LoadedModel>();
  const usedModels = [...new Set(specs.flatMap((s) => ('model' in s ? [s.model] : [])))];
  for (const id of usedModels) models.set(id, await loadModel(installed.find((m) => m.manifest.id === id)!, { fp16: false }));

  const thumbsDir = path.join(o.out, 'thumbs');
  const workDir = path.join(o.out, '.work');
  await makeDir(thumbsDir);
  await makeDir(workDir);
  const thumbEdge = o.thumbEdge ?? 180;
  const needsPython = new Set<ClassicalMethod>();
  for (const s of specs) {
    if (s.kind === 'classical') needsPython.add(s.method);
    if (s.kind === 'pm-telea') needsPython.add('telea');
  }

  const cases: EvalCase[] = [];
  const rows: EvalRow[] = [];
  const usedNames = new Set<string>();
  try {
    for (const [pi, file] of photoFiles.entries()) {
      const photo = await loadPhoto(file, o.maxSize);
      let name = safeName(photo.name);
      if (usedNames.has(name)) name = `${name}-${pi}`;
      usedNames.add(name);
      const { width, height } = photo.image;
      const ring = (mask: Uint8Array) => ringMask(mask, width, height, defaultRingRadius(width, height));
      for (const c of await casesFor(photo, pi, o, notes)) {
        const id = `${name}.${safeName(c.family === 'file' ? path.parse(c.maskSource).name : c.family)}`;
        const box = contextBox(c.mask, width, height);
        const thumb = async (suffix: string, bytes: Promise<Buffer>): Promise<string> => {
          const rel = `thumbs/${id}.${suffix}.jpg`;
          await fs.writeFile(path.join(o.out, rel), await bytes);
          return rel;
        };
        const evalCase: EvalCase = {
          id, photo: file, photoName: name, family: c.family, maskSource: c.maskSource, width, height,
          originalWidth: photo.originalWidth, originalHeight: photo.originalHeight, coverage: maskCoverage(c.mask),
          thumbs: {
            original: await thumb('original', jpegThumb(cropRgb(photo.image, box), thumbEdge)),
            mask: await thumb('mask', jpegThumb(cropRgb(maskOverlay(photo.image, c.mask), box), thumbEdge)),
          },
        };
        cases.push(evalCase);
        const imagePng = path.join(workDir, `${id}.image.png`), maskPng = path.join(workDir, `${id}.mask.png`);
        let classical = new Map<ClassicalMethod, ClassicalOutcome>();
        if (needsPython.size) {
          await writePng(imagePng, photo.image);
          await writeMaskPng(maskPng, c.mask, width, height);
          const jobs = [...needsPython].map((method) => ({ image: imagePng, mask: maskPng, method, out: path.join(workDir, `${id}.${method}.png`) }));
          const outcomes = await runClassical(jobs, o.python, workDir);
          classical = new Map(jobs.map((j, i) => [j.method, outcomes[i]!]));
        }
        const ctx: FillContext = { photo: photo.image, mask: c.mask, samples: o.samples, seed: o.seed, steps: o.steps, maxWorkingEdge: o.maxWorkingEdge };
        const ringMaskForCase = ring(c.mask);
        const timings: string[] = [];
        for (const spec of specs) {
          try {
            const produced = await produce(spec, ctx, models, classical, photo.image);
            const scores = scoreCase(photo.image, produced.results, c.mask, ringMaskForCase);
            // Show the sample that changed the most outside the mask (the first when none did).
            const worst = produced.results.reduce((a, r) => (outsideChange(photo.image, r, c.mask).maxAbs > outsideChange(photo.image, a, c.mask).maxAbs ? r : a));
            const fillThumb = spec.kind === 'original' ? null : await thumb(safeName(spec.id), jpegThumb(cropRgb(worst, box), thumbEdge));
            const heatThumb = spec.kind === 'original' ? null : await thumb(`${safeName(spec.id)}.heat`, heatmapThumb(outsideChangeHeatmap(photo.image, worst, c.mask), thumbEdge));
            rows.push({ caseId: id, family: c.family, method: spec.id, scores, millisPerSample: produced.millisPerSample, error: null, thumbs: { fill: fillThumb, heat: heatThumb } });
            if (spec.kind !== 'original') timings.push(`${spec.id} ${(produced.millisPerSample / 1000).toFixed(1)} s`);
          } catch (err) {
            const message = (err as Error).message.split('\n')[0]!;
            rows.push({ caseId: id, family: c.family, method: spec.id, scores: null, millisPerSample: NaN, error: message, thumbs: { fill: null, heat: null } });
            timings.push(`${spec.id} FAILED (${message})`);
          }
        }
        log(`[${cases.length}] ${id} (${(100 * evalCase.coverage).toFixed(1)} % of ${width}x${height}): ${timings.join(', ')}`);
      }
    }
  } finally {
    for (const m of models.values()) await m.close();
    await fs.rm(workDir, { recursive: true, force: true });
  }

  const run: EvalRun = {
    startedAt, finishedAt: new Date().toISOString(), command: o.command,
    config: {
      maxSize: o.maxSize, samples: o.samples, seed: o.seed, steps: o.steps ?? DEFAULT_DIFFUSION_STEPS, maxWorkingEdge: o.maxWorkingEdge,
      families: o.masksDir ? ['file'] : o.families, methods: specs.map((s) => s.id), ringRadius: 'max(6 px, 4 % of the short side)',
    },
    models: usedModels.map((id) => {
      const m = installed.find((i) => i.manifest.id === id)!.manifest;
      return { id: m.id, name: m.name, resolution: m.resolution, kind: m.kind, workingEdge: resolveWorkingEdge(o.maxWorkingEdge ?? undefined, m) };
    }),
    notes, cases, rows,
  };
  await fs.writeFile(path.join(o.out, 'results.csv'), toCsv(run));
  await fs.writeFile(path.join(o.out, 'results.json'), JSON.stringify(run, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v), 1));
  await fs.writeFile(path.join(o.out, 'summary.md'), summaryMarkdown(run));
  await fs.writeFile(path.join(o.out, 'report.html'), reportHtml(run));
  return run;
}
