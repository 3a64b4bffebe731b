/** Where a gallery thumbnail looks: the sample's changed box with context around it, as fractions of the photo. Pure. */

export interface CropBox { readonly x: number; readonly y: number; readonly width: number; readonly height: number }

/**
 * The box to show for a sample: its bounding box grown by `context` of its
 * size on each side, widened to the thumbnail's aspect ratio, clamped inside
 * the photo.
 */
export function thumbnailCrop(box: CropBox, imageWidth: number, imageHeight: number, aspect: number, context = 0.35): CropBox {
  let w = Math.max(8, box.width * (1 + 2 * context));
  let h = Math.max(8, box.height * (1 + 2 * context));
  if (w / h < aspect) w = h * aspect;
  else h = w / aspect;
  if (w > imageWidth) { w = imageWidth; h = Math.min(imageHeight, w / aspect); }
  if (h > imageHeight) { h = imageHeight; w = Math.min(imageWidth, h * aspect); }
  const cx = box.x + box.width / 2, cy = box.y + box.height / 2;
  const x = Math.min(imageWidth - w, Math.max(0, cx - w / 2));
  const y = Math.min(imageHeight - h, Math.max(0, cy - h / 2));
  return { x, y, width: w, height: h };
}
