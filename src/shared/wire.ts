/**
 * JSON wire format for the browser-mode transport: Uint8Array fields travel
 * as `{ "$bytes": "<base64>" }`. Electron IPC uses structured clone instead and
 * needs none of this.
 */
import type { FileRef } from './api';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const LOOKUP = (() => {
  const table = new Int16Array(128).fill(-1);
  for (let i = 0; i < ALPHABET.length; i++) table[ALPHABET.charCodeAt(i)] = i;
  return table;
})();

export function encodeBase64(data: Uint8Array): string {
  const parts: string[] = [];
  const chunk = 3 * 4096;
  for (let start = 0; start < data.length; start += chunk) {
    const end = Math.min(start + chunk, data.length);
    let s = '';
    for (let i = start; i < end; i += 3) {
      const a = data[i]!;
      const b = i + 1 < end ? data[i + 1]! : 0;
      const c = i + 2 < end ? data[i + 2]! : 0;
      const n = (a << 16) | (b << 8) | c;
      s += ALPHABET[(n >> 18) & 63]! + ALPHABET[(n >> 12) & 63]!;
      s += i + 1 < end ? ALPHABET[(n >> 6) & 63]! : '=';
      s += i + 2 < end ? ALPHABET[n & 63]! : '=';
    }
    parts.push(s);
  }
  return parts.join('');
}

export function decodeBase64(text: string): Uint8Array {
  if (text.length % 4 !== 0) throw new Error('base64 length is not a multiple of 4');
  let pad = 0;
  if (text.endsWith('==')) pad = 2;
  else if (text.endsWith('=')) pad = 1;
  const out = new Uint8Array((text.length / 4) * 3 - pad);
  let o = 0;
  for (let i = 0; i < text.length; i += 4) {
    const q = [0, 1, 2, 3].map((k) => {
      const ch = text.charCodeAt(i + k);
      if (ch === 61 /* = */ && i + k >= text.length - pad) return 0;
      const v = ch < 128 ? LOOKUP[ch]! : -1;
      if (v < 0) throw new Error(`invalid base64 character at ${i + k}`);
      return v;
    });
    const n = (q[0]! << 18) | (q[1]! << 12) | (q[2]! << 6) | q[3]!;
    if (o < out.length) out[o++] = (n >> 16) & 255;
    if (o < out.length) out[o++] = (n >> 8) & 255;
    if (o < out.length) out[o++] = n & 255;
  }
  return out;
}

/** JSON.stringify replacer/reviver pair that carries Uint8Array as base64. */
export function toWireJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (v instanceof Uint8Array ? { $bytes: encodeBase64(v) } : v));
}

export function fromWireJson(text: string): unknown {
  return JSON.parse(text, (_key, v: unknown) => {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      const keys = Object.keys(v);
      const b = (v as { $bytes?: unknown }).$bytes;
      if (keys.length === 1 && typeof b === 'string') return decodeBase64(b);
    }
    return v;
  });
}

/** Path of a file reference below the transport's base (`/files/...`). */
export function filePath(ref: FileRef): string {
  return `/files/${ref.kind}/${ref.id}`;
}

export function parseFilePath(path: string): FileRef | null {
  const m = /^\/files\/(version-proxy|version-full|sample-proxy)\/(\d{1,12})$/.exec(path);
  if (!m) return null;
  return { kind: m[1] as FileRef['kind'], id: Number(m[2]) };
}
