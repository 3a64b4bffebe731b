/** Messages between the selection engine and the refine worker. */
import type { Box, FloatMap, RgbImage } from './image';

export type RefineRequest =
  | { readonly kind: 'grabcut'; readonly id: number; readonly image: RgbImage; readonly box: Box }
  | { readonly kind: 'person'; readonly id: number; readonly crop: RgbImage; readonly coarse: FloatMap; readonly work: { width: number; height: number }; readonly inner: Box };

export type RefineReply =
  | { readonly id: number; readonly ok: true; readonly mask: Uint8Array; readonly bounds: Box | null }
  | { readonly id: number; readonly ok: false; readonly message: string };
