import { describe, expect, it } from 'vitest';
import { Buffer } from 'node:buffer';
import { decodeBase64, encodeBase64, fromWireJson, parseFilePath, toWireJson, filePath } from './wire';

describe('base64 against Node Buffer (independent codec)', () => {
  it('round-trips every length 0..40 and random data', () => {
    for (let n = 0; n <= 40; n++) {
      const data = new Uint8Array(n).map((_, i) => (i * 97 + n * 13) & 255);
      const ours = encodeBase64(data);
      expect(ours).toBe(Buffer.from(data).toString('base64'));
      expect(Array.from(decodeBase64(ours))).toEqual(Array.from(data));
    }
    const big = new Uint8Array(100_003);
    for (let i = 0; i < big.length; i++) big[i] = (i * 2654435761) >>> 24;
    expect(encodeBase64(big)).toBe(Buffer.from(big).toString('base64'));
    expect(Buffer.from(decodeBase64(Buffer.from(big).toString('base64'))).equals(Buffer.from(big))).toBe(true);
  });
  it('rejects malformed text', () => {
    expect(() => decodeBase64('abc')).toThrow(/multiple of 4/);
    expect(() => decodeBase64('ab!d')).toThrow(/invalid base64/);
  });
});

describe('wire json', () => {
  it('carries nested byte arrays', () => {
    const value = { a: 1, mask: new Uint8Array([0, 255, 7]), nested: [{ b: new Uint8Array([1]) }] };
    const back = fromWireJson(toWireJson(value)) as typeof value;
    expect(back.a).toBe(1);
    expect(back.mask).toBeInstanceOf(Uint8Array);
    expect(Array.from(back.mask)).toEqual([0, 255, 7]);
    expect(Array.from(back.nested[0]!.b)).toEqual([1]);
  });
  it('maps file refs to paths and back, rejecting anything else', () => {
    expect(parseFilePath(filePath({ kind: 'version-proxy', id: 12 }))).toEqual({ kind: 'version-proxy', id: 12 });
    expect(parseFilePath('/files/../../etc/passwd')).toBeNull();
    expect(parseFilePath('/files/version-full/1x')).toBeNull();
  });
});
