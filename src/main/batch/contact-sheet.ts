/** The end-of-batch HTML contact sheet: before/after crops and every failure with its reason. */
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import type { BatchCounts, BatchItemRow } from '../history/batch-repository';
import { writeFileAtomic } from '../history/store';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const JOB_META = /<meta name="inpaint-studio-batch-job" content="(\d+)">/;

/**
 * `contact-sheet.html`, unless another job's sheet is already there (a second
 * batch into the same folder): then `contact-sheet-job<N>.html`, so the first
 * job's overview is not lost. A job resumed after a crash rewrites its own.
 */
async function sheetFile(outputDir: string, jobId: number): Promise<string> {
  const shared = path.join(outputDir, 'contact-sheet.html');
  const existing = await fs.readFile(shared, 'utf8').catch(() => null);
  if (existing === null || JOB_META.exec(existing)?.[1] === String(jobId)) return shared;
  return path.join(outputDir, `contact-sheet-job${jobId}.html`);
}

export async function writeContactSheet(outputDir: string, jobId: number, title: string, items: readonly BatchItemRow[], counts: BatchCounts, seconds: number): Promise<string> {
  const rows = items.map((it) => {
    const before = path.join('contact-sheet', `${it.id}-before.jpg`);
    const after = path.join('contact-sheet', `${it.id}-after.jpg`);
    const hasThumbs = existsSync(path.join(outputDir, before));
    const pics = hasThumbs ? `<img src="${esc(before)}" alt="before"><img src="${esc(after)}" alt="after">` : '';
    const note = it.error ? `<p class="reason">${esc(it.error)}</p>` : '';
    return `<figure class="${it.status}"><figcaption>${esc(it.relPath)} <b>${it.status}</b></figcaption>${pics}${note}</figure>`;
  }).join('\n');
  const html = `<!doctype html><html><head><meta charset="utf-8"><meta name="inpaint-studio-batch-job" content="${jobId}"><title>${esc(title)}</title>
<style>body{font:14px system-ui;background:#1e1f22;color:#ddd;margin:2em}figure{display:inline-block;margin:8px;padding:8px;background:#2b2d31;vertical-align:top;max-width:540px}
img{margin:2px;max-width:256px}figure.failed{outline:2px solid #c44}figure.skipped{outline:2px solid #aa4}.reason{color:#f99;white-space:pre-wrap}</style></head>
<body><h1>${esc(title)}</h1><p>${counts.done} done, ${counts.failed} failed, ${counts.skipped} skipped, ${counts.pending} pending of ${counts.total}; ${seconds.toFixed(1)} s. Each pair shows the changed region before and after.</p>
${rows}</body></html>`;
  const file = await sheetFile(outputDir, jobId);
  await writeFileAtomic(file, new TextEncoder().encode(html));
  return file;
}
