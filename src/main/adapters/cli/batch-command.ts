/** `inpaint-studio batch`: a folder job with a progress bar, resumable after a crash. */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { SingleBar, Presets } from 'cli-progress';
import path from 'node:path';
import { FILL_METHODS, SAMPLERS, inpaintParamsSchema, type FillMethod, type ImageFormat } from '../../../shared/api';
import { ERROR_CODES, StudioError, type ErrorCode } from '../../../shared/errors';
import { StudioService } from '../../service';
import { defaultDataDir } from '../../data-dir';
import { APP_VERSION } from '../../version';
import { DEFAULT_TYPES } from '../../batch/scan';
import { CliExit } from './args';
import type { BatchOptions, MaskStrategy } from '../../batch/engine';
import type { MaskFit } from '../../batch/batch-mask';

interface BatchCliOptions {
  output: string; mask?: string; masks?: string; select?: string; maskFit: MaskFit; method: FillMethod; model?: string;
  sampler?: (typeof SAMPLERS)[number]; steps?: number; seed: number; grow: number; feather: number; recursive: boolean;
  types: string; suffix: string; format: ImageFormat | 'keep'; quality: number; overwrite: boolean; resume: boolean;
  contactSheet: boolean; dataDir: string; progress: boolean;
}

const int = (name: string, min: number, max: number) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`${name} must be an integer from ${min} to ${max}`);
  return n;
};

const isErrorCode = (c: string | null | undefined): c is ErrorCode => (ERROR_CODES as readonly string[]).includes(c ?? '');

/** Exit code when Ctrl-C paused the job (128 + SIGINT, as shells report it). */
const INTERRUPTED = 130;

/** A usage error: one line, exit code 2 (runCli returns 2 for commander errors without printing them again). */
function usageError(message: string): CommanderError {
  console.error(`inpaint-studio: ${message}`);
  return new CommanderError(2, 'commander.batchUsage', message);
}

/**
 * Exit codes: 0 when every photo was written or skipped, 1 when any failed
 * (a StudioError naming how many), 130 when Ctrl-C paused the job, 2 for
 * usage errors (an unknown class, --resume without an earlier job, …).
 */
async function batchCommand(inputDir: string, o: BatchCliOptions): Promise<void> {
  const strategies = [o.mask, o.masks, o.select].filter((x) => x !== undefined);
  if (strategies.length !== 1 && !o.resume) throw usageError('give exactly one of --mask <file>, --masks <dir> or --select <class>');
  const mask: MaskStrategy = o.mask ? { kind: 'mask', file: path.resolve(o.mask), fit: o.maskFit }
    : o.masks ? { kind: 'masks', dir: path.resolve(o.masks), fit: o.maskFit }
    : { kind: 'select', className: o.select ?? '' };
  const service = new StudioService({ dataDir: o.dataDir, mode: 'cli', version: APP_VERSION });
  let failure: StudioError | null = null;
  let exitCode: number | null = null;
  try {
    const params = await service.resolveBatchParams(inpaintParamsSchema.parse({
      method: o.method, samples: 1, seed: o.seed, grow: o.grow, feather: o.feather,
      model: o.model ?? null, sampler: o.sampler ?? null, steps: o.steps ?? null,
    }));
    const options: BatchOptions = {
      mask, params, recursive: o.recursive, types: o.types.split(',').map((t) => t.trim()).filter(Boolean),
      overwrite: o.overwrite, suffix: o.suffix, format: o.format, quality: o.quality, contactSheet: o.contactSheet,
    };
    const { jobId, resumed } = await service.batch.create(inputDir, o.output, options, o.resume).catch((err: unknown) => {
      // Arguments that cannot work (unknown class, nothing to resume, two photos for one output name): usage errors.
      throw err instanceof StudioError && err.code === 'BAD_REQUEST' ? usageError(err.message) : err;
    });
    const before = service.batch.summary(jobId, 0).counts;
    console.error(resumed ? `Resuming batch ${jobId}: ${before.done + before.failed + before.skipped} of ${before.total} already handled.` : `Batch ${jobId}: ${before.total} images.`);
    if (resumed && before.pending === 0 && before.running === 0) console.error(`Batch ${jobId} has nothing left to do.`);
    const bar = o.progress && process.stderr.isTTY
      ? new SingleBar({ format: ' {bar} {value}/{total} | {rate}/min | ETA {eta_formatted} | {last}', hideCursor: true }, Presets.shades_classic)
      : null;
    const startedAt = Date.now();
    let interrupted = false;
    let handledNow = 0;
    bar?.start(before.total, before.total - before.pending - before.running, { rate: '0', last: '' });
    process.once('SIGINT', () => { interrupted = true; service.batch.pause(jobId); });
    const summary = await service.batch.run(jobId, (r) => {
      handledNow++;
      const perMin = (handledNow / Math.max(1e-3, (Date.now() - startedAt) / 60000)).toFixed(1);
      bar?.update(r.counts.total - r.counts.pending - r.counts.running, { rate: perMin, last: `${r.item.relPath}: ${r.status}` });
      if (!bar && r.status !== 'done') console.error(`${r.item.relPath}: ${r.status}${r.reason ? ` (${r.reason})` : ''}`);
    });
    bar?.stop();
    const c = summary.counts;
    console.log(`Batch ${jobId} ${summary.status}: ${c.done} done, ${c.failed} failed, ${c.skipped} skipped, ${c.pending} pending of ${c.total} in ${summary.seconds.toFixed(1)} s.`);
    for (const f of summary.failures) console.log(`  ${f.relPath}: ${f.reason}`);
    if (summary.contactSheet) console.log(`Contact sheet: ${summary.contactSheet}`);
    const dataDir = path.resolve(o.dataDir) === path.resolve(defaultDataDir()) ? '' : ` --data-dir ${JSON.stringify(o.dataDir)}`;
    if (summary.status !== 'done') console.log(`Resume with: inpaint-studio batch ${JSON.stringify(inputDir)} -o ${JSON.stringify(o.output)} --resume${dataDir}`);
    if (interrupted && summary.status !== 'done') exitCode = INTERRUPTED;
    else if (c.failed > 0) {
      const code = summary.failures.find((f) => f.status === 'failed')?.code;
      failure = new StudioError(isErrorCode(code) ? code : 'INTERNAL', `${c.failed} of ${c.total} photos failed (listed above)`);
    }
  } finally {
    await service.close();
  }
  if (failure) throw failure;
  // An interrupted job ends here, after the history was closed.
  if (exitCode !== null) throw new CliExit(exitCode);
}

export function registerBatchCommand(program: Command): void {
  program.command('batch')
    .description('fill the same way across a folder of photos; resumable after a crash (--resume)')
    .argument('<input-dir>', 'folder of photos; originals are only read')
    .requiredOption('-o, --output <dir>', 'output folder (never the input folder)')
    .option('--mask <png>', 'one mask for every photo, in sensor orientation (before EXIF rotation), scaled to each photo')
    .option('--masks <dir>', 'per-photo masks matched by file name (<name>.png, <name>.mask.png), drawn on the photo as displayed')
    .option('--select <class>', 'automatic mask per photo by semantic class (person, car, dog, …); photos without one are skipped')
    .addOption(new Option('--mask-fit <rule>', 'when the mask\'s aspect differs from a photo\'s').choices(['fail', 'stretch', 'cover']).default('fail'))
    .addOption(new Option('--method <method>', 'fill method').choices([...FILL_METHODS]).default('patchmatch'))
    .option('--model <id>', 'diffusion model id')
    .addOption(new Option('--sampler <sampler>', 'diffusion sampler').choices([...SAMPLERS]))
    .option('--steps <n>', 'diffusion steps', int('--steps', 1, 1000))
    .option('--seed <s>', 'random seed', int('--seed', 0, 0xffffffff), 0)
    .option('--grow <px>', 'grow the mask first', int('--grow', 0, 512), 0)
    .option('--feather <px>', 'blend band inside the mask edge', int('--feather', 0, 256), 0)
    .option('--recursive', 'include subfolders', false)
    .option('--types <list>', 'file types to include', DEFAULT_TYPES.join(','))
    .option('--suffix <text>', 'appended to each output file name', '')
    .addOption(new Option('--format <format>', 'output format').choices(['keep', 'jpeg', 'png', 'tiff', 'webp']).default('keep'))
    .option('--quality <q>', 'JPEG/WebP quality', int('--quality', 1, 100), 95)
    .option('--overwrite', 'replace existing outputs (never originals)', false)
    .option('--resume', 'continue the unfinished job for these folders', false)
    .option('--no-contact-sheet', 'skip the HTML contact sheet')
    .option('--no-progress', 'no progress bar')
    .option('--data-dir <dir>', 'history folder (the job and its items are recorded there)', defaultDataDir())
    .action(async (inputDir: string, options: BatchCliOptions) => batchCommand(inputDir, options));
}
