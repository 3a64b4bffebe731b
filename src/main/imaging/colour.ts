/**
 * Colour-space round trips for the diffusion model, which was trained on sRGB
 * photographs: a crop of a photo in another space (Display P3, Adobe RGB,
 * ProPhoto…) is converted to sRGB before the model sees it, and the model's
 * samples are converted back into the photo's space. Pixels outside the mask
 * never pass through here. lcms (in sharp's libvips) does the transforms.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { transplantMetadata } from './metadata';

/** An embedded ICC profile (RGB), ready to convert 8-bit RGB to and from sRGB; `close` removes its temporary file. */
export interface ColourSpace {
  toSrgb(rgb: Uint8Array, width: number, height: number): Promise<Uint8Array>;
  fromSrgb(rgb: Uint8Array, width: number, height: number): Promise<Uint8Array>;
  close(): Promise<void>;
}

const bytesOf = (b: Buffer): Uint8Array => new Uint8Array(b.buffer, b.byteOffset, b.length);

/** The photo's colour space, or null for none (untagged photos are taken as sRGB) or a profile lcms cannot use. */
export async function colourSpaceOf(icc: Uint8Array | null | undefined): Promise<ColourSpace | null> {
  if (!icc || icc.length < 132 || Buffer.from(icc.subarray(16, 20)).toString('latin1') !== 'RGB ') return null;
  if (new DataView(icc.buffer, icc.byteOffset, icc.byteLength).getUint32(0) !== icc.length) return null; // truncated or padded
  // sharp applies an output profile from a file only.
  const file = path.join(os.tmpdir(), `inpaint-studio-${randomBytes(6).toString('hex')}.icc`);
  await fs.writeFile(file, icc);
  const space: ColourSpace = {
    async toSrgb(rgb, width, height) {
      // A PNG carrying the profile: sharp's default pipeline imports it into sRGB.
      const png = bytesOf(await sharp(rgb, { raw: { width, height, channels: 3 } }).png({ compressionLevel: 0 }).toBuffer());
      const tagged = transplantMetadata(new Uint8Array(0), png, { width, height }, { exif: null, icc, xmp: null, iptc: null });
      return bytesOf(await sharp(tagged).removeAlpha().raw().toBuffer());
    },
    async fromSrgb(rgb, width, height) {
      return bytesOf(await sharp(rgb, { raw: { width, height, channels: 3 } }).withIccProfile(file).removeAlpha().raw().toBuffer());
    },
    close: () => fs.rm(file, { force: true }),
  };
  try {
    await space.toSrgb(new Uint8Array(3), 1, 1); // a profile lcms rejects: treat the photo as sRGB rather than fail the fill
    return space;
  } catch {
    await space.close();
    return null;
  }
}
