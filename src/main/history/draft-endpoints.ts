/**
 * The `masks.*Draft` methods of the contract: the editor's autosaved mask
 * and exclusion layers, one draft per project, each layer stored as the PNG
 * of its bounding box (like a run's mask). Only the boxes are ever decoded,
 * to reject a bad draft when it is saved; a heal moves the draft to the
 * version it made without touching its pixels.
 */
import type { MaskRegion, ParsedRequestOf, ResponseOf } from '../../shared/api';
import { StudioError } from '../../shared/errors';
import { decodeMaskBox } from '../pipeline/mask-input';
import type { HistoryRepository, StoredMaskBox } from './repository';
import type { BlobStore } from './store';

type DraftMethod = 'masks.saveDraft' | 'masks.getDraft' | 'masks.moveDraft' | 'masks.clearDraft';

export class DraftEndpoints {
  constructor(private readonly repo: HistoryRepository, private readonly store: BlobStore) {}

  async handle<M extends DraftMethod>(method: M, req: ParsedRequestOf<M>): Promise<ResponseOf<M>> {
    return (await this.dispatch(method, req)) as ResponseOf<M>;
  }

  private async dispatch(method: DraftMethod, req: unknown): Promise<unknown> {
    const { repo } = this;
    switch (method) {
      case 'masks.saveDraft': {
        const r = req as ParsedRequestOf<'masks.saveDraft'>;
        repo.project(r.projectId);
        const { width, height } = repo.imageOfProject(r.projectId);
        if (repo.version(r.versionId).projectId !== r.projectId) throw new StudioError('BAD_REQUEST', `version ${r.versionId} belongs to another project`);
        // Reject a box outside the photo, a PNG of the wrong size or an unreadable one now; only the boxes are decoded.
        if (r.mask) await decodeMaskBox(r.mask, width, height);
        if (r.exclusion) await decodeMaskBox(r.exclusion, width, height, 'exclusion mask');
        // Both layers empty: nothing to keep, so no draft at all (not an empty one that would be "restored").
        if (!r.mask && !r.exclusion) {
          repo.clearMaskDraft(r.projectId);
          return { savedAt: null };
        }
        repo.saveMaskDraft(r.projectId, r.versionId, await this.storeMaskBox(r.mask), await this.storeMaskBox(r.exclusion ?? null));
        return { savedAt: repo.maskDraft(r.projectId)!.updatedAt };
      }
      case 'masks.getDraft': {
        const r = req as ParsedRequestOf<'masks.getDraft'>;
        repo.project(r.projectId);
        const draft = repo.maskDraft(r.projectId);
        // A draft with both layers empty (left by an older version of the app) is no draft.
        if (!draft || (!draft.mask && !draft.exclusion)) return null;
        return { versionId: draft.versionId, mask: await this.loadMaskBox(draft.mask), exclusion: await this.loadMaskBox(draft.exclusion), savedAt: draft.updatedAt };
      }
      case 'masks.moveDraft': {
        const r = req as ParsedRequestOf<'masks.moveDraft'>;
        const to = repo.version(r.toVersionId);
        if (to.projectId !== r.projectId || to.parentId !== r.fromVersionId) {
          throw new StudioError('BAD_REQUEST', `version ${r.toVersionId} is not a child of version ${r.fromVersionId} in project ${r.projectId}; a draft only follows a version to the one made from it`);
        }
        return { moved: repo.moveMaskDraft(r.projectId, r.fromVersionId, r.toVersionId) };
      }
      case 'masks.clearDraft': {
        const r = req as ParsedRequestOf<'masks.clearDraft'>;
        const had = repo.maskDraft(r.projectId) !== null;
        repo.clearMaskDraft(r.projectId);
        return { cleared: had };
      }
    }
  }

  private async storeMaskBox(region: MaskRegion | null): Promise<StoredMaskBox | null> {
    if (!region) return null;
    return { contentHash: await this.store.put(region.png), box: { x: region.x, y: region.y, width: region.width, height: region.height } };
  }

  private async loadMaskBox(layer: StoredMaskBox | null): Promise<MaskRegion | null> {
    if (!layer) return null;
    return { png: await this.store.get(layer.contentHash), ...layer.box };
  }
}
