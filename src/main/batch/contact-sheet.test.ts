import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BatchItemRow } from '../history/batch-repository';
import { writeContactSheet } from './contact-sheet';

const dir = mkdtempSync(path.join(os.tmpdir(), 'contact-sheet-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const item = (jobId: number, relPath: string, status: BatchItemRow['status'], error: string | null = null): BatchItemRow => ({
  id: jobId * 100, jobId, relPath, status, attempts: 1, errorCode: error ? 'DECODE_FAILED' : null, error, outputPath: null, outputHash: null, inputHash: null, millis: 10,
});
const counts = { total: 1, pending: 0, running: 0, done: 1, failed: 0, skipped: 0 };

describe('the contact sheet', () => {
  it('keeps an earlier job\'s sheet in the same output folder; a resumed job rewrites its own', async () => {
    const first = await writeContactSheet(dir, 1, 'Batch 1', [item(1, 'a.jpg', 'done')], counts, 1);
    expect(path.basename(first)).toBe('contact-sheet.html');
    // Resumed: the same job's sheet is replaced in place.
    expect(await writeContactSheet(dir, 1, 'Batch 1', [item(1, 'a.jpg', 'done'), item(1, 'b<&>.jpg', 'failed', 'could not be decoded')], counts, 2)).toBe(first);
    const html = readFileSync(first, 'utf8');
    expect(html).toContain('b&lt;&amp;&gt;.jpg');
    expect(html).toContain('could not be decoded');
    // A second job into the same folder gets its own file.
    const second = await writeContactSheet(dir, 2, 'Batch 2', [item(2, 'z.jpg', 'done')], counts, 1);
    expect(path.basename(second)).toBe('contact-sheet-job2.html');
    expect(readFileSync(first, 'utf8')).toContain('b&lt;&amp;&gt;.jpg');
    expect(readFileSync(second, 'utf8')).toContain('z.jpg');
    // A contact-sheet.html the studio did not write (or wrote before jobs were named in it) is not replaced either.
    const other = mkdtempSync(path.join(dir, 'other-'));
    writeFileSync(path.join(other, 'contact-sheet.html'), '<p>mine</p>');
    expect(path.basename(await writeContactSheet(other, 3, 'Batch 3', [], counts, 0))).toBe('contact-sheet-job3.html');
    expect(readFileSync(path.join(other, 'contact-sheet.html'), 'utf8')).toBe('<p>mine</p>');
    expect(readdirSync(other).sort()).toEqual(['contact-sheet-job3.html', 'contact-sheet.html']);
  });
});
