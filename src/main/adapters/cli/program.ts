/**
 * `inpaint-studio` command line. A thin adapter over the studio service:
 * every fill is recorded in the same history the app shows.
 * Errors print one line, `inpaint-studio: <reason>`, and exit non-zero.
 */
import { Command, Option } from 'commander';
import { SingleBar, Presets } from 'cli-progress';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FILL_METHODS, SAMPLERS, inpaintParamsSchema, type FillMethod } from '../../../shared/api';
import { StudioError } from '../../../shared/errors';
import { CliExit, floatArg, intArg } from './args';
import { checkOutputPath } from './output-paths';
import { StudioService } from '../../service';
import { defaultDataDir } from '../../data-dir';
import { writeFileAtomic } from '../../history/store';
import { webpIsLossless } from '../../imaging/metadata';
import { formatOfExtension } from '../../imaging/io';
import { wholeFrameMaskRegion } from '../../pipeline/mask-input';
import { APP_VERSION } from '../../version';
import { providerName } from '../../../shared/devices';
import { runDoctor, runModels } from './doctor';
import { registerBatchCommand } from './batch-command';
import { registerSegmentCommand } from './segment-command';
import { registerEvalCommand } from '../../eval/command';

export function sampleOutputPaths(out: string, samples: number): string[] {
  if (samples === 1) return [out];
  const p = path.parse(out);
  return Array.from({ length: samples }, (_, i) => path.join(p.dir, `${p.name}-${i + 1}${p.ext}`));
}

interface InpaintOptions {
  mask: string; output: string; method: FillMethod; model?: string; sampler?: (typeof SAMPLERS)[number]; steps?: number;
  samples: number; seed: number; strength?: number; grow: number; feather: number; quality: number; overwrite: boolean; dataDir: string; progress: boolean;
}

async function inpaintCommand(image: string, o: InpaintOptions): Promise<void> {
  const outputs = sampleOutputPaths(path.resolve(o.output), o.samples);
  const source = path.resolve(image);
  const ext = path.extname(o.output).toLowerCase();
  const format = formatOfExtension(ext);
  if (!format) throw new StudioError('BAD_REQUEST', `cannot tell the output format from "${ext || 'no extension'}"; use .jpg, .png, .webp or .tif`);
  for (const out of outputs) await checkOutputPath(out, [source, path.resolve(o.mask)], o.overwrite);
  const maskBytes = await fs.readFile(path.resolve(o.mask)).catch((err: NodeJS.ErrnoException) => {
    throw new StudioError('NOT_FOUND', `cannot read the mask ${o.mask}: ${err.code === 'ENOENT' ? 'no such file' : err.message}`);
  });
  const params = inpaintParamsSchema.parse({
    method: o.method, samples: o.samples, seed: o.seed, grow: o.grow, feather: o.feather,
    model: o.model ?? null, sampler: o.sampler ?? null, steps: o.steps ?? null, strength: o.strength ?? null,
  });

  if (o.method === 'patchmatch') {
    const unused = [['--model', o.model], ['--sampler', o.sampler], ['--steps', o.steps], ['--strength', o.strength]].filter(([, v]) => v !== undefined).map(([k]) => k);
    if (unused.length) console.error(`note: ${unused.join(', ')} appl${unused.length === 1 ? 'ies' : 'y'} to --method diffusion only; ignored with patchmatch`);
  }
  const service = new StudioService({ dataDir: o.dataDir, mode: 'cli', version: APP_VERSION });
  try {
    const project = await service.importPath(source);
    const showBar = o.progress && process.stderr.isTTY;
    const bar = showBar ? new SingleBar({ format: ' {bar} {percentage}% | {stage} | ETA {eta_formatted}', hideCursor: true }, Presets.shades_classic) : null;
    bar?.start(100, 0, { stage: 'starting' });
    let failure: { code: string; message: string } | null = null;
    let jobId = '';
    const unsubscribe = service.subscribe((e) => {
      if (e.type === 'job.progress' && e.payload.jobId === jobId) bar?.update(Math.round(e.payload.fraction * 100), { stage: e.payload.message });
      if (e.type === 'job.finished' && e.payload.jobId === jobId && e.payload.error) failure = e.payload.error;
    });
    let started: { jobId: string; runId: number };
    try {
      started = await service.call('jobs.inpaint', {
        projectId: project.project.id, versionId: project.project.headVersionId, params,
        // The file is a whole-frame mask: sent as the box that is the whole photo.
        mask: await wholeFrameMaskRegion(new Uint8Array(maskBytes), project.image.width, project.image.height),
      });
    } catch (err) {
      // Refused before any fill ran (bad mask, unknown model): the project made for it is not kept.
      unsubscribe();
      bar?.stop();
      await service.call('projects.delete', { projectId: project.project.id }).catch(() => undefined);
      throw err;
    }
    jobId = started.jobId;
    await service.waitForJob(jobId);
    unsubscribe();
    bar?.update(100, { stage: 'done' });
    bar?.stop();
    const run = service.repo.run(started.runId);
    if (run.status !== 'done') {
      const f = failure as { code: string; message: string } | null;
      throw new StudioError((f?.code as StudioError['code']) ?? 'INTERNAL', f?.message ?? run.error ?? `the fill ${run.status}`);
    }
    if (run.params.method === 'diffusion' && run.deviceNote) {
      console.error(`note: diffusion ran on ${providerName(run.device)}; not used: ${run.deviceNote.split('\n').join('; ')}`);
    }
    let written: Uint8Array = new Uint8Array(0);
    for (let i = 0; i < outputs.length; i++) {
      const encoded = await service.renderSample(started.runId, i, format, o.quality);
      await writeFileAtomic(outputs[i]!, encoded.bytes);
      written = encoded.bytes;
      console.log(outputs[i]);
    }
    if (format === 'jpeg' || (format === 'webp' && !webpIsLossless(written))) {
      console.error(`note: ${format === 'jpeg' ? 'JPEG' : 'lossy WebP'} output is re-encoded at quality ${o.quality}; every pixel changes slightly. Use .png or .tif for a byte-exact result outside the mask.`);
    }
  } finally {
    await service.close();
  }
}

export function buildProgram(): Command {
  const program = new Command()
    .name('inpaint-studio')
    .description('Offline inpainting for photographers: remove what should go, keep every other pixel.')
    .version(APP_VERSION)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride(); // before the subcommands, which copy it: usage errors return 2 from runCli

  program.command('inpaint')
    .description('fill the white part of a mask in a photo and write the result (white = fill)')
    .argument('<image>', 'the photo (JPEG, PNG, WebP, TIFF; 8 or 16 bit)')
    .requiredOption('--mask <png>', 'mask at the photo\'s size (after EXIF rotation): white = fill')
    .requiredOption('-o, --output <file>', 'output file; its extension picks the format. With --samples N > 1: <stem>-1.<ext> … <stem>-N.<ext>')
    .addOption(new Option('--method <method>', 'fill method').choices([...FILL_METHODS]).default('patchmatch'))
    .option('--model <id>', 'diffusion model id (see `inpaint-studio models`)')
    .addOption(new Option('--sampler <sampler>', 'diffusion sampler').choices([...SAMPLERS]))
    .option('--steps <n>', 'diffusion steps', intArg('--steps', 1, 1000))
    .option('--samples <n>', 'number of different fills to write', intArg('--samples', 1, 16), 1)
    .option('--seed <s>', 'random seed (same seed, same result)', intArg('--seed', 0, 0xffffffff), 0)
    .option('--strength <f>', 'diffusion strength 0..1', floatArg('--strength', 0, 1))
    .option('--grow <px>', 'grow the mask by this many pixels first', intArg('--grow', 0, 512), 0)
    .option('--feather <px>', 'blend band inside the mask edge, in pixels', intArg('--feather', 0, 256), 0)
    .option('--quality <q>', 'JPEG/WebP quality', intArg('--quality', 1, 100), 95)
    .option('--overwrite', 'replace existing output files (never the original)', false)
    .option('--no-progress', 'no progress bar')
    .option('--data-dir <dir>', 'history and pixel store folder', defaultDataDir())
    .action(async (image: string, options: InpaintOptions) => inpaintCommand(image, options));

  program.command('doctor')
    .description('print what this machine offers Inpaint Studio (devices, libraries, data folder)')
    .option('--data-dir <dir>', 'history and pixel store folder', defaultDataDir())
    .action(async (options: { dataDir: string }) => runDoctor(options.dataDir));

  registerBatchCommand(program);
  registerSegmentCommand(program);
  registerEvalCommand(program);

  program.command('models')
    .description('list the installed diffusion models (app models/ folder and <data-dir>/models)')
    .option('--data-dir <dir>', 'history and pixel store folder', defaultDataDir())
    .action(async (options: { dataDir: string }) => runModels(options.dataDir));

  return program;
}

export async function runCli(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv as string[], { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof CliExit) return err.exitCode;
    const code = (err as { code?: string }).code;
    if (code === 'commander.helpDisplayed' || code === 'commander.version' || code === 'commander.help') return 0;
    if (code?.startsWith('commander.')) return 2; // commander already printed the reason
    const message = err instanceof Error ? err.message : String(err);
    console.error(`inpaint-studio: ${message}`);
    if (!(err instanceof StudioError)) console.error(`(unexpected error; please report it) ${os.EOL}${(err as Error).stack ?? ''}`);
    return 1;
  }
}
