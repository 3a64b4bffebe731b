import { describe, expect, it } from 'vitest';
import type { MaskRegion, Method, ProjectDetail, RequestOf, StudioApi, StudioEvent } from '../../../shared/api';
import { DraftSaver } from '../../mask/draftSaver';
import { createMask, maskBounds, writeSpans } from '../../mask/tiledMask';
import { spotMask } from './spotMask';
import { initialEditorState } from '../../state/editorState';
import { SpotHealer, type HealRequest } from './spotHealer';

/**
 * A stand-in service: each job finishes (event first, answer after), each apply makes version id + 1.
 * With `saveDrafts`, it stores drafts too, each save answered `saveDelayMs` after it is sent.
 */
function fakeApi(options: { failRun?: number; draftVersion?: number; saveDrafts?: boolean; saveDelayMs?: number } = {}) {
  const listeners = new Set<(e: StudioEvent) => void>();
  const calls: { method: Method; request: unknown }[] = [];
  let runId = 0, head = 1;
  const runs = new Map<number, number>();
  // The service's draft: the version it is on (undefined: none).
  const draft: { versionId: number | undefined; mask?: MaskRegion | null } = { versionId: options.draftVersion };
  const moves: { from: number; to: number; moved: boolean }[] = [];
  const api: StudioApi = {
    subscribe(l) { listeners.add(l); return () => { listeners.delete(l); }; },
    fileUrl: () => '',
    async call<M extends Method>(method: M, request: RequestOf<M>) {
      calls.push({ method, request });
      const emit = (e: StudioEvent) => { for (const l of listeners) l(e); };
      switch (method) {
        case 'jobs.inpaint': {
          const r = request as RequestOf<'jobs.inpaint'>;
          const id = ++runId;
          runs.set(id, r.versionId);
          const failed = options.failRun === id;
          // A dust spot can finish before the request is answered.
          emit({ type: 'job.finished', payload: { jobId: `j${id}`, runId: id, status: failed ? 'failed' : 'done', error: failed ? { code: 'BAD_MASK', message: 'nothing to take patches from' } : null } });
          return { jobId: `j${id}`, runId: id } as never;
        }
        case 'versions.apply': {
          head += 1;
          return { project: { id: 1, headVersionId: head }, versions: [], runs: [] } as unknown as never;
        }
        case 'masks.moveDraft': {
          const r = request as RequestOf<'masks.moveDraft'>;
          const moved = draft.versionId === r.fromVersionId;
          if (moved) draft.versionId = r.toVersionId;
          moves.push({ from: r.fromVersionId, to: r.toVersionId, moved });
          return { moved } as never;
        }
        case 'masks.saveDraft': {
          if (!options.saveDrafts) break;
          const r = request as RequestOf<'masks.saveDraft'>;
          await new Promise((done) => setTimeout(done, options.saveDelayMs ?? 0));
          draft.versionId = r.versionId;
          draft.mask = r.mask;
          return { savedAt: 'now' } as never;
        }
        default:
      }
      throw new Error(`unexpected call ${method}`);
    },
  };
  return { api, calls, runs, draft, moves, listeners };
}

function request(over: Partial<HealRequest> & Pick<HealRequest, 'onApplied' | 'onError'>): HealRequest {
  return { projectId: 1, versionId: 1, width: 300, height: 200, circle: { x: 50, y: 50, radius: 6 }, seed: 0, ...over };
}

async function settle(healer: SpotHealer): Promise<void> {
  for (let i = 0; i < 200 && healer.pending() > 0; i++) await new Promise((r) => setTimeout(r, 5));
}

describe('spot healer', () => {
  it('queued clicks each heal the version the previous one made; the editor state is carried to the new head', async () => {
    const f = fakeApi({ draftVersion: 1 });
    const healer = new SpotHealer(f.api);
    const editor = initialEditorState(300, 200);
    const detach = healer.attach(() => editor);
    const applied: number[] = [];
    const errors: unknown[] = [];
    const onApplied = (d: ProjectDetail) => applied.push(d.project.headVersionId);
    const pendings: number[] = [];
    healer.onPending((n) => pendings.push(n));
    expect(healer.heal(request({ onApplied, onError: (e) => errors.push(e) }))).toBe(true);
    // A second click on the same (old) screen, before the first heal is done.
    expect(healer.heal(request({ circle: { x: 120, y: 80, radius: 6 }, onApplied, onError: (e) => errors.push(e) }))).toBe(true);
    await settle(healer);
    expect(errors).toEqual([]);
    expect(applied).toEqual([2, 3]);
    expect([...f.runs.values()]).toEqual([1, 2]);
    expect(pendings).toEqual([1, 2, 1, 0]);
    // One PatchMatch sample per click, marked as a heal; the disc mask sent as the PNG of its bounding box only.
    const jobs = f.calls.filter((c) => c.method === 'jobs.inpaint').map((c) => c.request as RequestOf<'jobs.inpaint'>);
    expect(jobs.map((j) => [j.params.method, j.params.samples, j.purpose])).toEqual([['patchmatch', 1, 'spot-heal'], ['patchmatch', 1, 'spot-heal']]);
    const { png, ...box } = jobs[0]!.mask;
    expect(box).toEqual(maskBounds(spotMask(300, 200, { x: 50, y: 50, radius: 6 })!));
    expect(box.width).toBeLessThanOrEqual(13);
    expect([...png.slice(1, 4)].map((c) => String.fromCharCode(c)).join('')).toBe('PNG');
    expect(jobs[0]!.exclusion).toBeUndefined();
    // The draft drawn on version 1 followed each heal to the version it made, re-keyed by the service:
    // no masks.getDraft / masks.saveDraft (any other call throws), so nothing was decoded or encoded.
    expect(f.moves).toEqual([{ from: 1, to: 2, moved: true }, { from: 2, to: 3, moved: true }]);
    expect(f.draft.versionId).toBe(3);
    expect(healer.takeCarried(3)).toBe(editor);
    expect(healer.takeCarried(2)).toBeNull();
    healer.releaseCarried(3);
    expect(healer.takeCarried(3)).toBeNull();
    expect(f.listeners.size).toBe(0);
    detach();
  });

  it('strokes painted within the draft delay before a click are saved before the heal moves the draft, and none lands on the old version after', async () => {
    // Each save takes a while, so the one the click flushes is still on its way when the heal is applied.
    const f = fakeApi({ draftVersion: 1, saveDrafts: true, saveDelayMs: 30 });
    const healer = new SpotHealer(f.api);
    const errors: unknown[] = [];
    const saver = new DraftSaver(f.api, 1, 1, { saving: () => undefined, saved: () => undefined, failed: (e) => errors.push(e) });
    saver.restored({ mask: null, exclusion: null, savedAt: 't0' }); // the draft on version 1 was restored into this editor
    const editor = initialEditorState(300, 200);
    const detach = healer.attach(() => editor, saver);
    // A stroke, then the click well within DRAFT_DELAY_MS: the draft's save is still pending.
    const painted = writeSpans(createMask(300, 200), 255, (w) => w(150, 200, 260));
    saver.schedule(painted, null);
    const applied: number[] = [];
    healer.heal(request({ onApplied: (d) => applied.push(d.project.headVersionId), onError: (e) => errors.push(e) }));
    await settle(healer);
    expect(errors).toEqual([]);
    expect(applied).toEqual([2]);
    // The stroke was saved on version 1 before the move, so the draft that followed the heal holds it.
    const order = f.calls.map((c) => c.method).filter((m) => m === 'masks.saveDraft' || m === 'masks.moveDraft');
    expect(order).toEqual(['masks.saveDraft', 'masks.moveDraft']);
    expect((f.calls.find((c) => c.method === 'masks.saveDraft')!.request as RequestOf<'masks.saveDraft'>).versionId).toBe(1);
    expect(f.moves).toEqual([{ from: 1, to: 2, moved: true }]);
    expect(f.draft.versionId).toBe(2);
    const { png: _png, ...box } = f.draft.mask!;
    expect(box).toEqual(maskBounds(painted));
    // A stroke on the old screen after the heal goes to the new version, not back onto version 1.
    const more = writeSpans(painted, 255, (w) => w(160, 200, 260));
    saver.schedule(more, null);
    await saver.flush();
    expect(f.draft.versionId).toBe(2);
    const { png: _morePng, ...moreBox } = f.draft.mask!;
    expect(moreBox).toEqual(maskBounds(more));
    expect(errors).toEqual([]);
    detach();
  });

  it('a failed heal reports its error, applies nothing, and the next click still runs', async () => {
    const f = fakeApi({ failRun: 1 });
    const healer = new SpotHealer(f.api);
    const errors: { code?: string; message?: string }[] = [];
    const applied: number[] = [];
    const req = request({ onApplied: (d) => applied.push(d.project.headVersionId), onError: (e) => errors.push(e as { code: string }) });
    healer.heal(req);
    healer.heal(req);
    await settle(healer);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: 'BAD_MASK' });
    expect(errors[0]!.message).toMatch(/Spot heal: nothing to take patches from/);
    expect(applied).toEqual([2]);
    expect([...f.runs.values()]).toEqual([1, 1]);
  });

  it('sends the protected area with the heal when one is painted', async () => {
    const f = fakeApi();
    const healer = new SpotHealer(f.api);
    const exclusion = writeSpans(createMask(300, 200), 255, (w) => w(10, 100, 200));
    healer.heal(request({ exclusion, onApplied: () => undefined, onError: (e) => { throw e; } }));
    await settle(healer);
    const job = f.calls.find((c) => c.method === 'jobs.inpaint')!.request as RequestOf<'jobs.inpaint'>;
    expect(job.exclusion!.png).toBeInstanceOf(Uint8Array);
    expect(job.exclusion!.png.length).toBeGreaterThan(8);
    expect({ ...job.exclusion!, png: undefined }).toEqual({ png: undefined, x: 100, y: 10, width: 101, height: 1 });
  });

  it('a click off the photo queues nothing', () => {
    const healer = new SpotHealer(fakeApi().api);
    expect(healer.heal(request({ circle: { x: -50, y: 10, radius: 5 }, onApplied: () => undefined, onError: () => undefined }))).toBe(false);
    expect(healer.pending()).toBe(0);
  });
});
