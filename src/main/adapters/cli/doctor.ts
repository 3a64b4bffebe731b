/** `inpaint-studio doctor` and `inpaint-studio models`: what this machine and install offer. */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { StudioError } from '../../../shared/errors';
import { APP_VERSION } from '../../version';
import { makeDir } from '../../make-dir';
import { ModelCatalog, modelRoots } from '../../inference/catalog';
import { probeRuntime, defaultProviders, explainFallback, OnnxSession } from '../../inference/session';
import { packageRoot } from '../../workers/paths';

const CUDA_HELP = [
  'NVIDIA GPU (e.g. a GTX/RTX laptop): install the NVIDIA driver, the CUDA 12 runtime and cuDNN 9,',
  'then run `npm run setup:cuda` in the Inpaint Studio folder to fetch ONNX Runtime\'s CUDA provider.',
  ...(process.platform === 'win32' ? ['DirectML (any DirectX 12 GPU) is bundled and needs no setup.'] : []),
  'Without CUDA, WebGPU (where the providers line lists it) uses any GPU whose driver offers Vulkan, Direct3D 12 or Metal; nothing to install.',
];

/** Prints the report; fails (exit 1) after it when the studio could not work here. */
export async function runDoctor(dataDirGiven: string): Promise<void> {
  const dataDir = path.resolve(dataDirGiven);
  const out: string[] = [];
  const problems: string[] = [];
  out.push(`Inpaint Studio ${APP_VERSION}`);
  out.push(`Node ${process.versions.node} on ${process.platform}/${process.arch}; ${os.cpus().length} CPU threads (${os.cpus()[0]?.model ?? 'unknown CPU'}); ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM`);
  out.push(`sharp ${sharp.versions.sharp ?? '?'} (libvips ${sharp.versions.vips})`);
  try {
    await makeDir(dataDir);
    const probe = path.join(dataDir, `.doctor-${process.pid}`);
    await fs.writeFile(probe, 'ok');
    await fs.rm(probe);
    out.push(`Data folder: ${dataDir} (writable)`);
  } catch (err) {
    out.push(`Data folder: ${dataDir} is NOT writable: ${(err as Error).message}`);
    problems.push(`the data folder ${dataDir} is not writable (choose another with --data-dir)`);
  }
  try {
    const rt = await probeRuntime();
    out.push(`ONNX Runtime ${rt.version}; providers in this build: ${rt.backends.map((b) => `${b.name}${b.bundled ? '' : ' (needs extra files)'}`).join(', ')}`);
  } catch (err) {
    out.push(`ONNX Runtime could not start: ${(err as Error).message}`);
    problems.push('ONNX Runtime could not start (diffusion fills are unavailable)');
  }
  const catalog = new ModelCatalog(modelRoots(packageRoot(), dataDir));
  const { models, problems: modelProblems } = await catalog.list();
  const first = (await catalog.photoModels())[0];
  if (first) {
    const file = path.join(first.dir, first.manifest.file);
    try {
      const session = await OnnxSession.open(file, defaultProviders());
      out.push(`Device used for diffusion: ${session.info.provider}`);
      for (const f of session.info.fallbacks) out.push(`  not used: ${explainFallback(f)}`, `    (${f.reason})`);
      await session.close();
    } catch (err) {
      out.push(`Could not load ${first.manifest.id}: ${(err as Error).message}`);
    }
  }
  out.push(`Models: ${models.length ? models.map((m) => m.id).join(', ') : 'none installed (PatchMatch only)'}`);
  for (const p of modelProblems) out.push(`  problem: ${p}`);
  out.push('Fill methods: patchmatch (CPU, always)' + (models.length ? ', diffusion' : ''));
  out.push('', ...CUDA_HELP);
  console.log(out.join('\n'));
  if (problems.length) throw new StudioError('NOT_AVAILABLE', problems.join('; '));
}

export async function runModels(dataDir: string): Promise<void> {
  const catalog = new ModelCatalog(modelRoots(packageRoot(), dataDir));
  const { models, problems } = await catalog.list();
  if (!models.length) console.log('No diffusion models installed.');
  for (const m of models) console.log(`${m.id}\t${m.kind}\ttrained at ${m.resolution}px, runs at ${m.workingEdge}px\t${m.name}\t(${m.licence})`);
  for (const p of problems) console.error(`problem: ${p}`);
  console.log(`Model folders: ${modelRoots(packageRoot(), dataDir).join(', ')}`);
}
