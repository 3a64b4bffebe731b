/** The end-of-batch HTML contact sheet: before/after crops and every failure with its reason. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { BatchCounts, BatchItemRow } from '../history/batch-repository';
import { writeFileAtomic } from '../history/store';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export async function writeContactSheet(outputDir: string, title: string, items: readonly BatchItemRow[], counts: BatchCounts, seconds: number): Promise<string> {
  const rows = items.map((it) => {
    const before = path.join('contact-sheet', `${it.id}-before.jpg`);
    const after = path.join('contact-sheet', `${it.id}-after.jpg`);
    const hasThumbs = existsSync(path.join(outputDir, before));
    const pics = hasThumbs ? `<img src="${esc(before)}" alt="before"><img src="${esc(after)}" alt="after">` : '';
    const note = it.error ? `<p class="reason">${esc(it.error)}</p>` : '';
    return `<figure class="${it.status}"><figcaption>${esc(it.relPath)} <b>${it.status}</b></figcaption>${pics}${note}</figure>`;
  }).join('\n');
  const html = `<!doctype html><html><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>body{font:14px system-ui;background:#1e1f22;color:#ddd;margin:2em}figure{display:inline-block;margin:8px;padding:8px;background:#2b2d31;vertical-align:top;max-width:540px}
img{margin:2px;max-width:256px}figure.failed{outline:2px solid #c44}figure.skipped{outline:2px solid #aa4}.reason{color:#f99;white-space:pre-wrap}</style></head>
<body><h1>${esc(title)}</h1><p>${counts.done} done, ${counts.failed} failed, ${counts.skipped} skipped, ${counts.pending} pending of ${counts.total}; ${seconds.toFixed(1)} s. Each pair shows the changed region before and after.</p>
${rows}</body></html>`;
  const file = path.join(outputDir, 'contact-sheet.html');
  await writeFileAtomic(file, new TextEncoder().encode(html));
  return file;
}
