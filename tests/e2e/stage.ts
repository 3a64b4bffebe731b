/**
 * Helpers for driving the mask stage: geometry from its data attributes, gestures in image pixels, the mask read back as a PNG
 * download, and a studio opened on a generated photo.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import sharp from 'sharp';
import { startStudio, type PageOptions, type Studio } from './harness';

export interface StageGeometry {
  readonly box: { x: number; y: number; width: number; height: number };
  readonly scale: number;
  readonly offsetX: number;
  readonly offsetY: number;
  readonly imageWidth: number;
  readonly imageHeight: number;
}

export async function stageGeometry(page: Page): Promise<StageGeometry> {
  const stage = page.getByTestId('stage-container');
  const box = await stage.boundingBox();
  if (!box) throw new Error('the stage is not visible');
  const num = async (name: string): Promise<number> => Number(await stage.getAttribute(name));
  return {
    box,
    scale: await num('data-view-scale'),
    offsetX: await num('data-view-offset-x'),
    offsetY: await num('data-view-offset-y'),
    imageWidth: await num('data-image-width'),
    imageHeight: await num('data-image-height'),
  };
}

/** Page coordinates (whole CSS pixels, as a mouse delivers them) of an image point. */
export function toPage(g: StageGeometry, ix: number, iy: number): { x: number; y: number } {
  return { x: Math.round(g.box.x + g.offsetX + ix * g.scale), y: Math.round(g.box.y + g.offsetY + iy * g.scale) };
}

/** The image point a page coordinate maps to: the inverse of the view transform, computed here independently. */
export function toImage(g: StageGeometry, p: { x: number; y: number }): { x: number; y: number } {
  return { x: (p.x - g.box.x - g.offsetX) / g.scale, y: (p.y - g.box.y - g.offsetY) / g.scale };
}

export async function maskFilled(page: Page): Promise<number> {
  return Number(await page.getByTestId('stage-container').getAttribute('data-mask-filled'));
}

export async function waitReady(page: Page): Promise<void> {
  await page.getByTestId('stage-container').and(page.locator('[data-ready="true"]')).waitFor({ timeout: 60_000 });
}

/** Saves the mask through the UI ("Save mask…") and decodes the downloaded PNG: 1 = fill. */
export async function downloadMask(page: Page): Promise<{ width: number; height: number; data: Uint8Array }> {
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Save mask…' }).click();
  const file = await (await download).path();
  const { data, info } = await sharp(await readFile(file)).extractChannel(0).raw().toBuffer({ resolveWithObject: true });
  const out = new Uint8Array(info.width * info.height);
  for (let i = 0; i < out.length; i++) out[i] = data[i]! > 127 ? 1 : 0;
  return { width: info.width, height: info.height, data: out };
}

/** Independent point-in-polygon (ray casting, even-odd). */
export function insidePolygon(px: number, py: number, poly: readonly { x: number; y: number }[]): boolean {
  let c = false;
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
    const a = poly[i]!, b = poly[j]!;
    if ((a.y > py) !== (b.y > py) && px < ((b.x - a.x) * (py - a.y)) / (b.y - a.y) + a.x) c = !c;
  }
  return c;
}

export function shoelace(poly: readonly { x: number; y: number }[]): number {
  let s = 0;
  for (let i = 0; i < poly.length; i++) {
    const a = poly[i]!, b = poly[(i + 1) % poly.length]!;
    s += a.x * b.y - b.x * a.y;
  }
  return Math.abs(s) / 2;
}

export async function drag(page: Page, path: readonly { x: number; y: number }[], opts: { button?: 'left' | 'middle' } = {}): Promise<void> {
  await page.mouse.move(path[0]!.x, path[0]!.y);
  await page.mouse.down(opts);
  for (const p of path.slice(1)) await page.mouse.move(p.x, p.y);
  await page.mouse.up(opts);
}

/**
 * `notches` wheel events at page point (x, y), dispatched in one task: they all reach the
 * handler before React renders, as a fast-spun wheel's do. Each zooms by `factor`.
 */
export async function wheelBurst(page: Page, el: Locator, x: number, y: number, notches: number, factor: number): Promise<void> {
  await page.mouse.move(x, y);
  const deltaY = -Math.log(factor) / 0.0018; // geometry/coords wheelZoomFactor, pixel mode
  // Runs in the page; the DOM types are not in the test's compile scope.
  type InPage = { dispatchEvent(e: unknown): boolean };
  type WheelEventCtor = new (type: string, init: Record<string, unknown>) => unknown;
  await el.evaluate((node, a) => {
    const Wheel = (globalThis as unknown as { WheelEvent: WheelEventCtor }).WheelEvent;
    for (let k = 0; k < a.notches; k++) {
      (node as unknown as InPage).dispatchEvent(new Wheel('wheel', { deltaY: a.deltaY, deltaMode: 0, clientX: a.x, clientY: a.y, bubbles: true, cancelable: true }));
    }
  }, { notches, deltaY, x, y });
}

/** A page with `photo` opened in the editor; console errors and page errors are collected into `errors`. */
export async function openPhotoInEditor(
  studio: { url: string; newPage(options?: PageOptions): Promise<Page> }, photo: string, errors: string[], pageOptions: PageOptions = {},
): Promise<Page> {
  const page = await studio.newPage(pageOptions);
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(studio.url);
  await page.locator('input[aria-label="Photo file"]').setInputFiles(photo);
  await waitReady(page);
  return page;
}

/** The 1-px checkerboard: black where x + y is even. The display proxy (a downscale) blurs it to grey. */
export const checkerboard = (x: number, y: number): number => ((x + y) % 2 === 0 ? 0 : 255);

/** The studio with a generated greyscale photo open in the editor, and what to clean up. */
export interface PhotoSession {
  readonly studio: Studio;
  readonly page: Page;
  /** The photo's file, to open again in another page. */
  readonly photo: string;
  /** Console and page errors of `page`. */
  readonly errors: string[];
  close(): Promise<void>;
}

/** Starts the studio and opens a `width`×`height` greyscale PNG whose pixel (x, y) is `grey(x, y)`, written to a temporary folder. */
export async function openGeneratedPhoto(name: string, width: number, height: number, grey: (x: number, y: number) => number): Promise<PhotoSession> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'inpaint-photo-'));
  let studio: Studio | null = null;
  try {
    const raw = Buffer.alloc(width * height);
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) raw[y * width + x] = grey(x, y);
    const photo = path.join(dir, name);
    await writeFile(photo, await sharp(raw, { raw: { width, height, channels: 1 } }).toColourspace('srgb').png().toBuffer());
    studio = await startStudio();
    const errors: string[] = [];
    const page = await openPhotoInEditor(studio, photo, errors);
    const started = studio;
    return {
      studio: started, page, photo, errors,
      async close() {
        await started.close();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await studio?.close();
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

/**
 * The device pixels of `clip` (CSS pixels relative to `el`), cut from a
 * screenshot of the whole viewport (a clipped capture at a fractional
 * device position would itself be resampled), read through the transform `el` was drawn with
 * (its data-view-* attributes, in CSS pixels). For each device pixel whose image pixel `want` answers: does it show that image
 * pixel's value, and does it differ from its right and lower neighbours? Only one photo pixel per device pixel passes both
 * on the 1-px checkerboard: 2×2 blocks of a CSS-pixel "100 %" fail half of each, and the blurred proxy shows grey.
 */
export async function devicePixelMatch(page: Page, el: Locator, clip: { x: number; y: number; width: number; height: number }, ratio: number,
  want: (ix: number, iy: number, cssX: number) => number | null): Promise<{ exact: number; alternating: number; n: number }> {
  const box = (await el.boundingBox())!;
  const num = async (n: string): Promise<number> => Number(await el.getAttribute(n));
  const scale = await num('data-view-scale'), offsetX = await num('data-view-offset-x'), offsetY = await num('data-view-offset-y');
  const whole = await page.screenshot();
  const left = Math.round((box.x + clip.x) * ratio), top = Math.round((box.y + clip.y) * ratio);
  const { data, info } = await sharp(whole).extract({ left, top, width: Math.round(clip.width * ratio), height: Math.round(clip.height * ratio) })
    .raw().toBuffer({ resolveWithObject: true });
  const at = (dx: number, dy: number): number => data[(dy * info.width + dx) * info.channels]!;
  let exact = 0, alternating = 0, n = 0;
  for (let dy = 0; dy < info.height - 1; dy++) {
    for (let dx = 0; dx < info.width - 1; dx++) {
      const cssX = clip.x + (dx + 0.5) / ratio, cssY = clip.y + (dy + 0.5) / ratio;
      const ix = Math.floor((cssX - offsetX) / scale), iy = Math.floor((cssY - offsetY) / scale);
      const v = want(ix, iy, cssX);
      if (v === null || want(ix + 1, iy, cssX) === null || want(ix, iy + 1, cssX) === null) continue;
      n++;
      const here = at(dx, dy);
      if (Math.abs(here - v) < 48) exact++;
      if (Math.abs(at(dx + 1, dy) - here) > 200 && Math.abs(at(dx, dy + 1) - here) > 200) alternating++;
    }
  }
  return { exact: n === 0 ? 0 : exact / n, alternating: n === 0 ? 0 : alternating / n, n };
}
