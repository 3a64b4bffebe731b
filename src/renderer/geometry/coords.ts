/**
 * Image pixels and screen pixels are different units (STYLE.md §8). Every
 * conversion between them happens here, through a `ViewTransform`: a screen
 * point is `offset + scale · imagePoint`. Image coordinates are continuous:
 * pixel (i, j) covers [i, i+1) × [j, j+1) and its centre is (i + 0.5, j + 0.5).
 */

declare const imageBrand: unique symbol;
declare const screenBrand: unique symbol;

/** A length or coordinate in full-resolution image pixels. */
export type ImagePx = number & { readonly [imageBrand]: true };
/** A length or coordinate in CSS pixels on the stage. */
export type ScreenPx = number & { readonly [screenBrand]: true };

export interface ImagePoint { readonly x: ImagePx; readonly y: ImagePx }
export interface ScreenPoint { readonly x: ScreenPx; readonly y: ScreenPx }
export interface ImageSize { readonly width: ImagePx; readonly height: ImagePx }
export interface ScreenSize { readonly width: ScreenPx; readonly height: ScreenPx }
export interface ScreenRect extends ScreenPoint, ScreenSize {}

export const imagePx = (v: number): ImagePx => v as ImagePx;
export const screenPx = (v: number): ScreenPx => v as ScreenPx;
export const imagePoint = (x: number, y: number): ImagePoint => ({ x: imagePx(x), y: imagePx(y) });
export const screenPoint = (x: number, y: number): ScreenPoint => ({ x: screenPx(x), y: screenPx(y) });
export const imageSize = (width: number, height: number): ImageSize => ({ width: imagePx(width), height: imagePx(height) });
export const screenSize = (width: number, height: number): ScreenSize => ({ width: screenPx(width), height: screenPx(height) });

export interface ViewTransform {
  /** Screen pixels per image pixel. */
  readonly scale: number;
  readonly offsetX: ScreenPx;
  readonly offsetY: ScreenPx;
}

/** Largest scale that shows the whole image inside the viewport with `padding` on each side, centred. */
export function fitView(image: ImageSize, viewport: ScreenSize, padding = 0): ViewTransform {
  const availW = Math.max(1, viewport.width - 2 * padding);
  const availH = Math.max(1, viewport.height - 2 * padding);
  const scale = image.width > 0 && image.height > 0 ? Math.min(availW / image.width, availH / image.height) : 1;
  return {
    scale,
    offsetX: screenPx((viewport.width - image.width * scale) / 2),
    offsetY: screenPx((viewport.height - image.height * scale) / 2),
  };
}

export function imageToScreen(view: ViewTransform, p: ImagePoint): ScreenPoint {
  return screenPoint(view.offsetX + p.x * view.scale, view.offsetY + p.y * view.scale);
}

export function screenToImage(view: ViewTransform, p: ScreenPoint): ImagePoint {
  return imagePoint((p.x - view.offsetX) / view.scale, (p.y - view.offsetY) / view.scale);
}

export function imageLengthToScreen(view: ViewTransform, length: ImagePx): ScreenPx {
  return screenPx(length * view.scale);
}

export function screenLengthToImage(view: ViewTransform, length: ScreenPx): ImagePx {
  return imagePx(length / view.scale);
}

/** Where the whole image lands on the stage. */
export function imageRectOnScreen(view: ViewTransform, image: ImageSize): ScreenRect {
  const topLeft = imageToScreen(view, imagePoint(0, 0));
  return { ...topLeft, width: imageLengthToScreen(view, image.width), height: imageLengthToScreen(view, image.height) };
}

// ------------------------------------------------------------- zoom and pan

export const MIN_ZOOM = 0.01;
export const MAX_ZOOM = 32;

function clampScale(scale: number): number {
  return Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, scale));
}

/**
 * Scales the view by `factor` about a screen point: the image point under
 * `anchor` stays under it (zoom to cursor). The scale is clamped.
 */
export function zoomAt(view: ViewTransform, anchor: ScreenPoint, factor: number): ViewTransform {
  const scale = clampScale(view.scale * factor);
  const k = scale / view.scale;
  return {
    scale,
    offsetX: screenPx(anchor.x - (anchor.x - view.offsetX) * k),
    offsetY: screenPx(anchor.y - (anchor.y - view.offsetY) * k),
  };
}

/** Moves the image by a screen distance (pan). */
export function panBy(view: ViewTransform, dx: ScreenPx, dy: ScreenPx): ViewTransform {
  return { ...view, offsetX: screenPx(view.offsetX + dx), offsetY: screenPx(view.offsetY + dy) };
}

/**
 * The largest size within `size` whose CSS width and height are whole
 * numbers that are also whole numbers of device pixels (looking back at most
 * 8 CSS pixels). A canvas of any other size gets a bitmap truncated to whole
 * device pixels that the browser then stretches over its box, resampling
 * every pixel: at devicePixelRatio 1.25, "100 %" of a 1-px pattern would show
 * as flat grey. At an integer ratio every size qualifies.
 */
export function deviceAlignedSize(size: ScreenSize, pixelRatio: number): ScreenSize {
  const r = devicePixels(pixelRatio);
  const align = (n: number): number => {
    for (let k = Math.floor(n); k >= Math.max(1, Math.floor(n) - 8); k--) if (Number.isInteger(k * r)) return k;
    return Math.floor(n);
  };
  return screenSize(align(size.width), align(size.height));
}

/** Device pixels per CSS pixel, guarded against nonsense (a zero or absurdly small `devicePixelRatio`). */
function devicePixels(pixelRatio: number): number {
  return Math.max(0.25, pixelRatio);
}

/**
 * "100 %": one image pixel per *device* pixel (CSS scale 1 / pixelRatio, so
 * 0.5 on a HiDPI screen), keeping the image point under `anchor` in place to
 * within half a device pixel: the offsets land on the device-pixel grid, so
 * image pixels line up with device pixels instead of straddling them.
 */
export function actualPixelsView(view: ViewTransform, anchor: ScreenPoint, pixelRatio: number): ViewTransform {
  const r = devicePixels(pixelRatio);
  const z = zoomAt(view, anchor, 1 / r / view.scale);
  return { ...z, offsetX: screenPx(Math.round(z.offsetX * r) / r), offsetY: screenPx(Math.round(z.offsetY * r) / r) };
}

/** The zoom a photographer reads: device pixels per image pixel, in percent (100 % is `actualPixelsView`). */
export function zoomPercent(view: ViewTransform, pixelRatio: number): number {
  return view.scale * devicePixels(pixelRatio) * 100;
}

/** Wheel delta -> zoom factor: smooth for trackpads, one notch ≈ ×1.2 for mouse wheels. */
export function wheelZoomFactor(deltaY: number, deltaMode: number): number {
  const pixels = deltaMode === 1 ? deltaY * 33 : deltaMode === 2 ? deltaY * 400 : deltaY;
  return Math.exp(-Math.max(-300, Math.min(300, pixels)) * 0.0018);
}
