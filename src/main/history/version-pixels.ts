/**
 * A version's pixels are the original with every applied sample crop pasted
 * in order; nothing full-frame is stored per version. This module rebuilds
 * them (keeping the last one), renders exports and display proxies, and
 * caches proxies beside the store.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { PROXY_MAX_EDGE, type FileRef } from '../../shared/api';
import { pasteImage } from '../imaging/composite';
import type { SamplePlacement } from '../imaging/region';
import { decodeImage, encodeLikeSource, extensionOf, makeProxy, type EncodedOutput, type ImageProbe, type RawImage } from '../imaging/io';
import type { HistoryRepository, StoredSample } from './repository';
import { writeFileAtomic, type BlobStore } from './store';

export interface LoadedVersion { readonly versionId: number; readonly source: Uint8Array; readonly probe: ImageProbe; readonly image: RawImage }

export function copyImage(image: RawImage): RawImage {
  return { ...image, data: image.data.slice() };
}

export function exportName(fileName: string, versionId: number, format: EncodedOutput['format']): string {
  return `${path.parse(fileName).name}-v${versionId}.${extensionOf(format)}`;
}

export class VersionPixels {
  private last: LoadedVersion | null = null;

  constructor(private readonly repo: HistoryRepository, private readonly store: BlobStore, private readonly cacheDir: string) {}

  async load(versionId: number): Promise<LoadedVersion> {
    this.repo.version(versionId); // NOT_FOUND for a deleted project's version, even when it is the one held
    if (this.last?.versionId === versionId) return this.last;
    const chain = this.repo.versionChain(versionId);
    const parent = chain.at(-2);
    if (this.last && parent && parent.id === this.last.versionId) {
      // The child of the version held: its pixels plus the child's own crop, without decoding the original
      // again (successive spot heals and applies each make such a child).
      const image = copyImage(this.last.image);
      const own = chain.at(-1)!;
      if (own.sampleId !== null) {
        const s = this.repo.sample(own.sampleId);
        pasteImage(image, await this.decodeCrop(s), s.x, s.y);
      }
      this.last = { versionId, source: this.last.source, probe: this.last.probe, image };
      return this.last;
    }
    const image = this.repo.imageOfProject(chain[0]!.projectId);
    const source = await this.store.get(image.contentHash);
    const decoded = await decodeImage(source, image.fileName);
    for (const v of chain.slice(1)) {
      if (v.sampleId === null) continue;
      const s = this.repo.sample(v.sampleId);
      pasteImage(decoded.image, await this.decodeCrop(s), s.x, s.y);
    }
    this.last = { versionId, source, probe: decoded.probe, image: decoded.image };
    return this.last;
  }

  /** The base version of a sample's run with that sample pasted in. */
  private async withSample(sampleId: number): Promise<{ base: LoadedVersion; image: RawImage }> {
    const s = this.repo.sample(sampleId);
    const base = await this.load(this.repo.run(s.runId).baseVersionId);
    const image = copyImage(base.image);
    pasteImage(image, await this.decodeCrop(s), s.x, s.y);
    return { base, image };
  }

  /** Where sample `sampleId` lands (NOT_FOUND for an unknown sample); reads only the database. */
  samplePlacement(sampleId: number): SamplePlacement {
    const s = this.repo.sample(sampleId);
    return { baseVersionId: this.repo.run(s.runId).baseVersionId, x: s.x, y: s.y, width: s.width, height: s.height };
  }

  /** The stored crop of sample `sampleId`: applying the sample pastes exactly these pixels at its box. */
  async sampleCrop(sampleId: number): Promise<RawImage> {
    return this.decodeCrop(this.repo.sample(sampleId));
  }

  private async decodeCrop(s: StoredSample): Promise<RawImage> {
    return (await decodeImage(await this.store.get(s.contentHash), `sample ${s.id}`)).image;
  }

  /** The full photo as it looks with sample `index` of `runId` applied. */
  async renderSample(runId: number, index: number, format?: EncodedOutput['format'], quality?: number): Promise<EncodedOutput> {
    const { base, image } = await this.withSample(this.repo.sampleOfRun(runId, index).id);
    return encodeLikeSource(base.source, base.probe, image, { ...(format ? { format } : {}), ...(quality !== undefined ? { quality } : {}) });
  }

  async renderVersion(versionId: number): Promise<EncodedOutput> {
    const v = await this.load(versionId);
    return encodeLikeSource(v.source, v.probe, v.image);
  }

  /** The file behind a FileRef (display proxies and full exports). */
  async readFile(ref: FileRef): Promise<{ bytes: Uint8Array; mime: string; fileName: string | null }> {
    switch (ref.kind) {
      case 'version-proxy': this.repo.version(ref.id); return this.cached(`version-${ref.id}`, async () => {
        const v = await this.load(ref.id);
        return makeProxy(v.source, v.probe, v.image, PROXY_MAX_EDGE);
      });
      case 'sample-proxy': this.repo.run(this.repo.sample(ref.id).runId); return this.cached(`sample-${ref.id}`, async () => {
        const { base, image } = await this.withSample(ref.id);
        return makeProxy(base.source, base.probe, image, PROXY_MAX_EDGE);
      });
      case 'version-full': {
        const version = this.repo.version(ref.id);
        const image = this.repo.imageOfProject(version.projectId);
        const out = await this.renderVersion(ref.id);
        return { bytes: out.bytes, mime: `image/${out.format}`, fileName: exportName(image.fileName, version.id, out.format) };
      }
    }
  }

  /**
   * Drops the cached proxies of a deleted project's versions and samples and
   * the version held in memory (disk and memory only: the ids are never reused,
   * and readFile checks the database before any cache).
   */
  async forget(versionIds: readonly number[], sampleIds: readonly number[]): Promise<void> {
    if (this.last && versionIds.includes(this.last.versionId)) this.last = null;
    const keys = [...versionIds.map((id) => `version-${id}`), ...sampleIds.map((id) => `sample-${id}`)];
    await Promise.all(keys.flatMap((k) => [path.join(this.cacheDir, k), path.join(this.cacheDir, `${k}.mime`)]).map((f) => fs.rm(f, { force: true })));
  }

  private async cached(key: string, make: () => Promise<{ bytes: Uint8Array; mime: string }>): Promise<{ bytes: Uint8Array; mime: string; fileName: null }> {
    const file = path.join(this.cacheDir, key);
    try {
      const [bytes, mime] = await Promise.all([fs.readFile(file), fs.readFile(`${file}.mime`, 'utf8')]);
      return { bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length), mime, fileName: null };
    } catch {
      const made = await make();
      await writeFileAtomic(`${file}.mime`, new TextEncoder().encode(made.mime));
      await writeFileAtomic(file, made.bytes);
      return { ...made, fileName: null };
    }
  }
}
