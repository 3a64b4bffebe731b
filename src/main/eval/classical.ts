/**
 * Bridge to the classical baselines in tools/eval/classical_inpaint.py
 * (OpenCV Telea and Navier–Stokes, scikit-image biharmonic), run with
 * Debian's python3. One Python process per case runs all of them, so the
 * import cost is paid once per case rather than per method.
 */
import { execFile } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../workers/paths';

export const CLASSICAL_METHODS = ['telea', 'ns', 'biharmonic'] as const;
export type ClassicalMethod = (typeof CLASSICAL_METHODS)[number];

export interface ClassicalJob {
  readonly image: string;
  readonly mask: string;
  readonly method: ClassicalMethod;
  readonly out: string;
}

export type ClassicalOutcome = { readonly out: string; readonly millis: number } | { readonly out: string; readonly error: string };

export function classicalScript(): string {
  return path.join(packageRoot(), 'tools', 'eval', 'classical_inpaint.py');
}

/** Debian's interpreter when present (it has python3-opencv and python3-skimage), else python3 on PATH. */
export function defaultPython(): string {
  return existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
}

/**
 * Runs the jobs; every job gets an outcome. If Python itself cannot start or
 * cannot import OpenCV, every job fails with that reason (the eval reports the
 * methods as unavailable instead of stopping).
 */
export async function runClassical(jobs: readonly ClassicalJob[], python: string, workDir: string): Promise<ClassicalOutcome[]> {
  if (jobs.length === 0) return [];
  const jobFile = path.join(workDir, `classical-jobs-${process.pid}-${Date.now()}.json`);
  await fs.writeFile(jobFile, JSON.stringify(jobs));
  try {
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(python, [classicalScript(), '--jobs', jobFile], { maxBuffer: 16 * 1024 * 1024, env: { ...process.env, OMP_NUM_THREADS: '1' } }, (err, out, errText) => {
        if (err) reject(new Error(`${python} ${path.basename(classicalScript())} failed: ${(errText || err.message).trim().split('\n').slice(-1)[0]}`));
        else resolve(out);
      });
    });
    const byOut = new Map<string, ClassicalOutcome>();
    for (const line of stdout.split('\n')) {
      if (!line.trim()) continue;
      const o = JSON.parse(line) as { out: string; millis?: number; error?: string };
      byOut.set(o.out, o.error !== undefined ? { out: o.out, error: o.error } : { out: o.out, millis: o.millis ?? 0 });
    }
    return jobs.map((j) => byOut.get(j.out) ?? { out: j.out, error: 'the script reported nothing for this job' });
  } catch (err) {
    return jobs.map((j) => ({ out: j.out, error: (err as Error).message }));
  } finally {
    await fs.rm(jobFile, { force: true });
  }
}
