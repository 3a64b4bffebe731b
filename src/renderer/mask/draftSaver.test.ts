import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { MaskRegion, Method, RequestOf, StudioApi } from '../../shared/api';
import { afterDraftSaves, DRAFT_DELAY_MS, DraftSaver } from './draftSaver';
import { createMask, maskBounds, writeSpans, type MaskRaster } from './tiledMask';

/** A stand-in for the service's draft endpoints; `hold()` keeps the next save on its way until released. */
function draftApi() {
  const log: string[] = [];
  let draft: { versionId: number; mask: MaskRegion | null; exclusion: MaskRegion | null } | null = null;
  let gate: Promise<void> | null = null;
  const api: StudioApi = {
    subscribe: () => () => undefined,
    fileUrl: () => '',
    async call<M extends Method>(method: M, request: RequestOf<M>) {
      switch (method) {
        case 'masks.saveDraft': {
          const r = request as RequestOf<'masks.saveDraft'>;
          const held = gate;
          gate = null;
          if (held) await held;
          log.push(`save ${r.versionId}`);
          draft = { versionId: r.versionId, mask: r.mask, exclusion: r.exclusion ?? null };
          return { savedAt: `t${log.length}` } as never;
        }
        case 'masks.clearDraft':
          log.push('clear');
          draft = null;
          return { cleared: true } as never;
        case 'masks.moveDraft': {
          const r = request as RequestOf<'masks.moveDraft'>;
          const moved = draft?.versionId === r.fromVersionId;
          if (moved) draft!.versionId = r.toVersionId;
          log.push(`move ${r.fromVersionId}->${r.toVersionId}${moved ? '' : ' (nothing)'}`);
          return { moved } as never;
        }
        default:
          throw new Error(`unexpected call ${method}`);
      }
    },
  };
  return {
    api, log,
    draft: () => draft,
    hold(): () => void {
      let release!: () => void;
      gate = new Promise((r) => { release = r; });
      return release;
    },
  };
}

function events() {
  const seen: { mask: MaskRaster; exclusion: MaskRaster | null; savedAt: string | null }[] = [];
  const errors: unknown[] = [];
  return {
    seen, errors,
    events: { saving: () => undefined, saved: (mask: MaskRaster, exclusion: MaskRaster | null, savedAt: string | null) => seen.push({ mask, exclusion, savedAt }), failed: (e: unknown) => errors.push(e) },
  };
}

/** A one-row stroke from x0 to x1 (inclusive) on row y of a 300 × 200 photo. */
const stroke = (y: number, x0: number, x1: number, on: MaskRaster = createMask(300, 200)): MaskRaster => writeSpans(on, 255, (w) => w(y, x0, x1));
const boxOf = (region: MaskRegion | null | undefined) => (region ? { x: region.x, y: region.y, width: region.width, height: region.height } : null);
/** Resolves once every draft call of project 1 queued so far has settled. */
const settled = (api: StudioApi) => afterDraftSaves(api, 1, async () => undefined);

describe('draft saver', () => {
  beforeEach(() => { vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] }); });
  afterEach(() => { vi.useRealTimers(); });

  it('saves once, DRAFT_DELAY_MS after the last edit, the latest masks, to its version', async () => {
    const f = draftApi(), ev = events();
    const saver = new DraftSaver(f.api, 1, 7, ev.events);
    const first = stroke(10, 5, 20);
    const second = stroke(30, 40, 50, first);
    saver.schedule(first, null);
    vi.advanceTimersByTime(DRAFT_DELAY_MS - 1);
    saver.schedule(second, null);
    vi.advanceTimersByTime(DRAFT_DELAY_MS - 1);
    await settled(f.api);
    expect(f.log).toEqual([]);
    vi.advanceTimersByTime(1);
    await settled(f.api);
    expect(f.log).toEqual(['save 7']);
    expect(boxOf(f.draft()!.mask)).toEqual(maskBounds(second));
    expect(ev.seen).toEqual([{ mask: second, exclusion: null, savedAt: 't1' }]);
    // Back to what the draft holds before the delay: nothing more is saved.
    saver.schedule(stroke(0, 0, 0, second), null);
    saver.cancel();
    vi.advanceTimersByTime(DRAFT_DELAY_MS * 2);
    await settled(f.api);
    expect(f.log).toEqual(['save 7']);
  });

  it('emptying the masks clears the draft only when it was saved or restored here', async () => {
    const f = draftApi();
    // Another version's draft: a mask emptied here leaves it alone.
    const other = new DraftSaver(f.api, 1, 3, events().events);
    other.schedule(stroke(1, 1, 2), null);
    await other.flush();
    expect(f.log).toEqual(['save 3']);
    const ev = events();
    const here = new DraftSaver(f.api, 1, 4, ev.events);
    here.schedule(createMask(300, 200), null);
    await here.flush();
    expect(f.log).toEqual(['save 3']);
    expect(f.draft()!.versionId).toBe(3);
    expect(ev.seen.map((s) => s.savedAt)).toEqual([null]);
    // Restored here (or saved here, then emptied): cleared. The exclusion alone still counts as a draft.
    here.restored({ mask: null, exclusion: null, savedAt: 't0' });
    const exclusion = stroke(5, 5, 9);
    here.schedule(createMask(300, 200), exclusion);
    await here.flush();
    expect(f.log).toEqual(['save 3', 'save 4']);
    expect(f.draft()).toMatchObject({ versionId: 4, mask: null });
    expect(boxOf(f.draft()!.exclusion)).toEqual(maskBounds(exclusion));
    here.schedule(createMask(300, 200), null);
    await here.flush();
    expect(f.log).toEqual(['save 3', 'save 4', 'clear']);
    expect(f.draft()).toBeNull();
  });

  it('flush (leaving the screen) makes the pending save at once; saves land in the order they were made', async () => {
    const f = draftApi();
    const saver = new DraftSaver(f.api, 1, 5, events().events);
    const first = stroke(10, 10, 20);
    const second = stroke(12, 10, 20, first);
    saver.schedule(first, null);
    const release = f.hold();
    vi.advanceTimersByTime(DRAFT_DELAY_MS); // the first save is on its way, held by the service
    saver.schedule(second, null);
    const flushed = saver.flush();
    await Promise.resolve();
    expect(f.log).toEqual([]);
    release();
    await flushed;
    expect(f.log).toEqual(['save 5', 'save 5']);
    expect(boxOf(f.draft()!.mask)).toEqual(maskBounds(second));
  });

  it('a heal\'s hand-over saves the pending strokes on the old version, moves after every save on its way, and later saves go to the new version', async () => {
    const f = draftApi(), ev = events();
    const saver = new DraftSaver(f.api, 1, 1, ev.events);
    saver.restored({ mask: null, exclusion: null, savedAt: 't0' });
    const first = stroke(20, 30, 60);
    saver.schedule(first, null);
    const release = f.hold();
    vi.advanceTimersByTime(DRAFT_DELAY_MS); // on its way
    const within = stroke(22, 30, 60, first); // painted within the delay, just before the click
    saver.schedule(within, null);
    const move = () => f.api.call('masks.moveDraft', { projectId: 1, fromVersionId: 1, toVersionId: 2 });
    const handed = saver.handOver(1, 2, move);
    // A saver of another version (a screen left behind) keeps its version.
    const elsewhere = new DraftSaver(f.api, 1, 9, events().events);
    const elsewhereDone = elsewhere.handOver(5, 6, async () => ({ moved: false }));
    await Promise.resolve();
    expect(f.log).toEqual([]);
    release();
    expect(await handed).toEqual({ moved: true });
    await elsewhereDone;
    expect(f.log).toEqual(['save 1', 'save 1', 'move 1->2']);
    expect(f.draft()!.versionId).toBe(2);
    expect(boxOf(f.draft()!.mask)).toEqual(maskBounds(within));
    expect(saver.versionId).toBe(2);
    expect(elsewhere.versionId).toBe(9);
    // A stroke after the heal: saved to the new version, never back onto the old one.
    const after = stroke(40, 30, 60, within);
    saver.schedule(after, null);
    await saver.flush();
    expect(f.log).toEqual(['save 1', 'save 1', 'move 1->2', 'save 2']);
    expect(f.draft()!.versionId).toBe(2);
    expect(boxOf(f.draft()!.mask)).toEqual(maskBounds(after));
    expect(ev.errors).toEqual([]);
  });

  it('a save of the layers the draft already holds writes nothing, after a restore and after a hand-over; a different one does', async () => {
    const f = draftApi(), ev = events();
    const painted = stroke(15, 10, 90), exclusion = stroke(60, 5, 25);
    const first = new DraftSaver(f.api, 1, 1, events().events);
    first.schedule(painted, exclusion);
    await first.flush();
    expect(f.log).toEqual(['save 1']);
    // The next screen restores that draft but keeps its own mask of the same pixels (a heal carried it over).
    const stored = f.draft()!;
    const saver = new DraftSaver(f.api, 1, 1, ev.events);
    saver.restored({ mask: stored.mask, exclusion: stored.exclusion, savedAt: 't1' });
    saver.schedule(stroke(15, 10, 90), stroke(60, 5, 25));
    await saver.flush();
    expect(f.log).toEqual(['save 1']);
    expect(ev.seen.map((s) => s.savedAt)).toEqual(['t1']);
    // Moved by a heal: still the same layers on the new version, still nothing to write.
    await saver.handOver(1, 2, () => f.api.call('masks.moveDraft', { projectId: 1, fromVersionId: 1, toVersionId: 2 }));
    saver.schedule(stroke(15, 10, 90), stroke(60, 5, 25));
    await saver.flush();
    expect(f.log).toEqual(['save 1', 'move 1->2']);
    // One pixel more, or the same fill without its exclusion: saved.
    saver.schedule(stroke(16, 50, 50, painted), exclusion);
    await saver.flush();
    saver.schedule(painted, null);
    await saver.flush();
    expect(f.log).toEqual(['save 1', 'move 1->2', 'save 2', 'save 2']);
    expect(f.draft()).toMatchObject({ versionId: 2, exclusion: null });
    expect(boxOf(f.draft()!.mask)).toEqual(maskBounds(painted));
    // Back to the layers saved last: nothing more.
    saver.schedule(stroke(15, 10, 90), null);
    await saver.flush();
    expect(f.log).toHaveLength(4);
    expect(ev.errors).toEqual([]);
  });

  it('a save still on its way from a screen already left lands before a move queued after it', async () => {
    const f = draftApi();
    const left = new DraftSaver(f.api, 1, 1, events().events);
    const mask = stroke(3, 3, 30);
    left.schedule(mask, null);
    const release = f.hold();
    void left.flush(); // the screen unmounts: its last save is sent and held by the service
    const moved = afterDraftSaves(f.api, 1, () => f.api.call('masks.moveDraft', { projectId: 1, fromVersionId: 1, toVersionId: 2 }));
    release();
    expect(await moved).toEqual({ moved: true });
    expect(f.log).toEqual(['save 1', 'move 1->2']);
    expect(f.draft()!.versionId).toBe(2);
  });
});
