/**
 * The eval's written outputs as strings: a CSV with one row per (case,
 * method), Markdown summary tables, and a self-contained HTML report that
 * links the thumbnails. Pure: the runner writes the files.
 */
import { summarise, type CaseScores, type Summary } from './score';

export interface EvalCase {
  readonly id: string;
  readonly photo: string;
  readonly photoName: string;
  /** A mask family, or "file" for a mask read from --masks. */
  readonly family: string;
  readonly maskSource: string;
  readonly width: number;
  readonly height: number;
  readonly originalWidth: number;
  readonly originalHeight: number;
  readonly coverage: number;
  readonly thumbs: { readonly original: string; readonly mask: string };
}

export interface EvalRow {
  readonly caseId: string;
  readonly family: string;
  readonly method: string;
  readonly scores: CaseScores | null;
  readonly millisPerSample: number;
  readonly error: string | null;
  readonly thumbs: { readonly fill: string | null; readonly heat: string | null };
}

/** "a working edge of 128 px", or each model's own when the run left it to them. */
export function workingEdgeText(run: Pick<EvalRun, 'config' | 'models'>): string {
  if (run.config.maxWorkingEdge !== null) return `a working edge of ${run.config.maxWorkingEdge} px`;
  if (run.models.length === 0) return "each model's own working edge";
  return `each model's own working edge (${run.models.map((m) => `${m.id} ${m.workingEdge} px`).join(', ')})`;
}

export interface EvalRun {
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly command: string;
  readonly config: {
    readonly maxSize: number; readonly samples: number; readonly seed: number; readonly steps: number;
    readonly maxWorkingEdge: number | null; readonly families: readonly string[]; readonly methods: readonly string[];
    readonly ringRadius: string;
  };
  readonly models: readonly { readonly id: string; readonly name: string; readonly resolution: number; readonly kind: string; readonly workingEdge: number }[];
  readonly notes: readonly string[];
  readonly cases: readonly EvalCase[];
  readonly rows: readonly EvalRow[];
}

const CSV_SCORE_COLUMNS = ['samples', 'l1', 'l1Best', 'l1OfMean', 'psnr', 'ssim', 'hfRatio', 'gradRatio', 'gradW1', 'seam', 'specHighDb', 'specLowDb', 'outsideMax', 'outsideChanged', 'diversity'] as const;

function csvCell(v: unknown): string {
  const s = typeof v === 'number' ? (Number.isFinite(v) ? String(+v.toPrecision(6)) : String(v)) : v === null || v === undefined ? '' : String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(run: EvalRun): string {
  const byId = new Map(run.cases.map((c) => [c.id, c]));
  const header = ['case', 'photo', 'family', 'coverage', 'width', 'height', 'method', ...CSV_SCORE_COLUMNS, 'millisPerSample', 'error'];
  const lines = [header.join(',')];
  for (const r of run.rows) {
    const c = byId.get(r.caseId)!;
    const scores = CSV_SCORE_COLUMNS.map((k) => (r.scores ? r.scores[k] : null));
    lines.push([r.caseId, c.photoName, r.family, c.coverage, c.width, c.height, r.method, ...scores, Math.round(r.millisPerSample), r.error].map(csvCell).join(','));
  }
  return lines.join('\n') + '\n';
}

const fmt = {
  pct: (v: number) => (Number.isFinite(v) ? (100 * v).toFixed(2) : '–'),
  db: (v: number) => (v === Infinity ? '∞' : Number.isFinite(v) ? v.toFixed(2) : '–'),
  f3: (v: number) => (Number.isFinite(v) ? v.toFixed(3) : '–'),
  f2: (v: number) => (Number.isFinite(v) ? v.toFixed(2) : '–'),
  f1: (v: number) => (Number.isFinite(v) ? v.toFixed(1) : '–'),
  ms: (v: number) => (Number.isFinite(v) ? String(Math.round(v)) : '–'),
};

/** Method order: the reference first, then as requested. */
function methodsInOrder(run: EvalRun): string[] {
  return [...new Set(run.rows.map((r) => r.method))];
}

export function summaries(run: EvalRun, family?: string): Map<string, Summary> {
  const out = new Map<string, Summary>();
  for (const method of methodsInOrder(run)) {
    const rows = run.rows.filter((r) => r.method === method && r.scores && (!family || r.family === family));
    if (rows.length) out.set(method, summarise(rows.map((r) => ({ scores: r.scores!, millisPerSample: r.millisPerSample }))));
  }
  return out;
}

const MAIN_HEADER = '| method | cases | L1 % ↓ | best-of-N L1 % | L1 of mean % | PSNR dB ↑ | SSIM ↑ | HF ratio (≈1) | grad ratio (≈1) | grad W1 ↓ | seam (≈1) | spectrum high dB (≈0) | low dB | diversity % | outside max (=0) | ms/sample |';

export function mainTable(run: EvalRun, family?: string): string {
  const lines = [MAIN_HEADER, '|' + ' --- |'.repeat(16)];
  for (const [method, s] of summaries(run, family)) {
    const m = s.means;
    lines.push(`| ${method} | ${s.cases} | ${fmt.pct(m.l1)} | ${fmt.pct(m.l1Best)} | ${fmt.pct(m.l1OfMean)} | ${fmt.db(m.psnr)} | ${fmt.f3(m.ssim)} | ${fmt.f2(m.hfRatio)} | ${fmt.f2(m.gradRatio)} | ${fmt.f2(m.gradW1)} | ${fmt.f2(m.seam)} | ${fmt.f1(m.specHighDb)} | ${fmt.f1(m.specLowDb)} | ${fmt.pct(m.diversity)} | ${s.outsideMax} | ${fmt.ms(s.millisPerSample)} |`);
  }
  return lines.join('\n');
}

/** L1 and PSNR by family: where each method breaks down. */
export function familyTable(run: EvalRun): string {
  const families = [...new Set(run.rows.map((r) => r.family))];
  const lines = [`| method | ${families.map((f) => `${f} L1 % / PSNR / HF`).join(' | ')} |`, '| --- |' + ' --- |'.repeat(families.length)];
  const per = families.map((f) => summaries(run, f));
  for (const method of methodsInOrder(run)) {
    const cells = per.map((p) => {
      const s = p.get(method);
      return s ? `${fmt.pct(s.means.l1)} / ${fmt.db(s.means.psnr)} / ${fmt.f2(s.means.hfRatio)}` : '–';
    });
    lines.push(`| ${method} | ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

export function failures(run: EvalRun): string[] {
  return run.rows.filter((r) => r.error).map((r) => `${r.caseId} ${r.method}: ${r.error}`);
}

export function summaryMarkdown(run: EvalRun): string {
  const c = run.config;
  const failed = failures(run);
  return [
    '# inpaint-studio eval',
    '',
    `Run ${run.startedAt} → ${run.finishedAt}: \`${run.command}\``,
    '',
    `${new Set(run.cases.map((x) => x.photo)).size} photos, ${run.cases.length} cases; photos downscaled to a long edge of at most ${c.maxSize} px; ` +
      `${c.samples} samples per stochastic method, seed ${c.seed}; diffusion ${c.steps} DDIM steps at ${workingEdgeText(run)}; ring ${c.ringRadius}.`,
    '',
    `Models: ${run.models.length ? run.models.map((m) => `${m.id} (${m.kind}, trained at ${m.resolution} px)`).join('; ') : 'none installed'}.`,
    '',
    ...run.notes.map((n) => `- ${n}`),
    '',
    '## All cases',
    '',
    mainTable(run),
    '',
    '## By mask family (L1 % / PSNR dB / HF ratio)',
    '',
    familyTable(run),
    '',
    ...(failed.length ? ['## Failures', '', ...failed.map((f) => `- ${f}`), ''] : []),
  ].join('\n');
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A tiny Markdown-table-to-HTML conversion for our own tables (no escaping of pipes needed). */
function tableHtml(md: string): string {
  const rows = md.split('\n').filter((l, i) => i !== 1).map((l) => l.replace(/^\||\|$/g, '').split('|').map((c) => esc(c.trim())));
  const [head, ...body] = rows;
  return `<table><thead><tr>${head!.map((h) => `<th>${h}</th>`).join('')}</tr></thead><tbody>${body.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('')}</tbody></table>`;
}

function spectrumSvg(run: EvalRun): string {
  const curves: { method: string; curve: number[] }[] = [];
  for (const method of methodsInOrder(run)) {
    const rows = run.rows.filter((r) => r.method === method && r.scores && method !== 'original');
    if (!rows.length) continue;
    const bins = rows[0]!.scores!.specCurveDb.length;
    curves.push({ method, curve: Array.from({ length: bins }, (_, k) => rows.reduce((a, r) => a + r.scores!.specCurveDb[k]!, 0) / rows.length) });
  }
  if (!curves.length) return '';
  const W = 520, H = 240, pad = 40;
  const lo = Math.min(-30, ...curves.flatMap((c) => c.curve)), hi = Math.max(10, ...curves.flatMap((c) => c.curve));
  const sx = (k: number, n: number) => pad + ((k + 0.5) / n) * (W - 2 * pad);
  const sy = (v: number) => H - pad - ((v - lo) / (hi - lo)) * (H - 2 * pad);
  const colours = ['#d62728', '#1f77b4', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];
  const lines = curves.map((c, i) => `<polyline fill="none" stroke="${colours[i % colours.length]}" stroke-width="2" points="${c.curve.map((v, k) => `${sx(k, c.curve.length).toFixed(1)},${sy(v).toFixed(1)}`).join(' ')}"/>` +
    `<text x="${W - pad + 4}" y="${16 + 14 * i}" font-size="11" fill="${colours[i % colours.length]}">${esc(c.method)}</text>`);
  return `<svg width="${W + 160}" height="${H}" xmlns="http://www.w3.org/2000/svg"><rect x="${pad}" y="${pad}" width="${W - 2 * pad}" height="${H - 2 * pad}" fill="none" stroke="#999"/>` +
    `<line x1="${pad}" x2="${W - pad}" y1="${sy(0)}" y2="${sy(0)}" stroke="#999" stroke-dasharray="4"/>` +
    `<text x="${pad}" y="${H - 10}" font-size="11">0 → 0.5 cycles/px (radial frequency)</text><text x="4" y="${pad - 8}" font-size="11">dB vs original (${lo.toFixed(0)}…${hi.toFixed(0)})</text>${lines.join('')}</svg>`;
}

export function reportHtml(run: EvalRun): string {
  const methods = methodsInOrder(run).filter((m) => m !== 'original');
  const sections = run.cases.map((c) => {
    const rows = new Map(run.rows.filter((r) => r.caseId === c.id).map((r) => [r.method, r]));
    const img = (src: string | null | undefined, alt: string) => (src ? `<img src="${esc(src)}" alt="${esc(alt)}" loading="lazy">` : '<span class="na">–</span>');
    const numbers = (m: string) => {
      const r = rows.get(m);
      if (!r) return '–';
      if (r.error || !r.scores) return `<span class="err">${esc(r.error ?? 'no result')}</span>`;
      const s = r.scores;
      return `L1 ${fmt.pct(s.l1)}% · PSNR ${fmt.db(s.psnr)}<br>HF ${fmt.f2(s.hfRatio)} · seam ${fmt.f2(s.seam)}<br>spec ${fmt.f1(s.specHighDb)} dB · out ${s.outsideMax}`;
    };
    return `<section><h3>${esc(c.photoName)} · ${esc(c.family)} (${(100 * c.coverage).toFixed(1)} % of ${c.width}×${c.height})</h3>
<table class="case"><tr><th>original</th><th>mask</th>${methods.map((m) => `<th>${esc(m)}</th>`).join('')}</tr>
<tr><td>${img(c.thumbs.original, 'original')}</td><td>${img(c.thumbs.mask, 'mask')}</td>${methods.map((m) => `<td>${img(rows.get(m)?.thumbs.fill, m)}</td>`).join('')}</tr>
<tr><td colspan="2" class="note">outside-change heatmap, whole frame: black = unchanged, grey = mask, colour = changed (log scale)</td>${methods.map((m) => `<td>${img(rows.get(m)?.thumbs.heat, `${m} heatmap`)}</td>`).join('')}</tr>
<tr><td colspan="2"></td>${methods.map((m) => `<td class="num">${numbers(m)}</td>`).join('')}</tr></table></section>`;
  });
  const failed = failures(run);
  return `<!doctype html><html><head><meta charset="utf-8"><title>inpaint-studio eval</title>
<style>body{font:13px system-ui,sans-serif;margin:20px;color:#222}table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #ccc;padding:3px 6px;text-align:center;vertical-align:top}
img{max-width:180px;max-height:180px;display:block;margin:auto}.num{font-size:11px;white-space:nowrap}.err{color:#b00;font-size:11px}.note{font-size:11px;color:#555;max-width:200px}.na{color:#aaa}</style></head><body>
<h1>inpaint-studio eval</h1>
<p>${esc(run.startedAt)} → ${esc(run.finishedAt)} · <code>${esc(run.command)}</code></p>
<p>Photos downscaled to a long edge ≤ ${run.config.maxSize} px · ${run.config.samples} samples per stochastic method · diffusion ${run.config.steps} DDIM steps at ${esc(workingEdgeText(run))} · models: ${esc(run.models.map((m) => m.id).join(', ') || 'none')}</p>
<ul>${run.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>
<h2>All cases</h2>${tableHtml(mainTable(run))}
<h2>By mask family</h2>${tableHtml(familyTable(run))}
<h2>Spectrum of the fill vs the original (mean over cases)</h2>${spectrumSvg(run)}
${failed.length ? `<h2>Failures</h2><ul>${failed.map((f) => `<li>${esc(f)}</li>`).join('')}</ul>` : ''}
<h2>Cases</h2>${sections.join('\n')}
</body></html>
`;
}
