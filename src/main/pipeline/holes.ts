/**
 * Groups a mask's pixels into holes that are diffused separately: connected
 * components (8-neighbour) whose context crops would overlap are merged, so
 * two specks of dust at opposite corners get two small crops instead of one
 * crop the size of the frame.
 */
import type { MaskBounds } from '../../shared/mask-ops';
import { contextRect, workingSize } from './diffusion-stage';

function componentBoxes(mask: Uint8Array, width: number, height: number): MaskBounds[] {
  const label = new Int32Array(width * height).fill(-1);
  const boxes: { x0: number; y0: number; x1: number; y1: number }[] = [];
  const stack: number[] = [];
  for (let start = 0; start < mask.length; start++) {
    if (mask[start]! <= 127 || label[start] !== -1) continue;
    const id = boxes.length;
    const box = { x0: width, y0: height, x1: -1, y1: -1 };
    label[start] = id;
    stack.push(start);
    while (stack.length) {
      const p = stack.pop()!;
      const x = p % width, y = (p - x) / width;
      if (x < box.x0) box.x0 = x;
      if (x > box.x1) box.x1 = x;
      if (y < box.y0) box.y0 = y;
      if (y > box.y1) box.y1 = y;
      for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) {
        const nx = x + dx, ny = y + dy;
        if (nx < 0 || ny < 0 || nx >= width || ny >= height) continue;
        const q = ny * width + nx;
        if (mask[q]! > 127 && label[q] === -1) { label[q] = id; stack.push(q); }
      }
    }
    boxes.push(box);
  }
  return boxes.map((b) => ({ x: b.x0, y: b.y0, width: b.x1 - b.x0 + 1, height: b.y1 - b.y0 + 1 }));
}

function union(a: MaskBounds, b: MaskBounds): MaskBounds {
  const x = Math.min(a.x, b.x), y = Math.min(a.y, b.y);
  return { x, y, width: Math.max(a.x + a.width, b.x + b.width) - x, height: Math.max(a.y + a.height, b.y + b.height) - y };
}

function overlaps(a: MaskBounds, b: MaskBounds): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

/** Hole boxes whose context crops do not overlap one another. */
export function holeGroups(mask: Uint8Array, width: number, height: number): MaskBounds[] {
  let groups = componentBoxes(mask, width, height);
  for (let merged = true; merged;) {
    merged = false;
    outer: for (let i = 0; i < groups.length; i++) {
      for (let j = i + 1; j < groups.length; j++) {
        if (overlaps(contextRect(groups[i]!, width, height), contextRect(groups[j]!, width, height))) {
          groups = [...groups.slice(0, i), union(groups[i]!, groups[j]!), ...groups.slice(i + 1, j), ...groups.slice(j + 1)];
          merged = true;
          break outer;
        }
      }
    }
  }
  return groups.sort((a, b) => a.y - b.y || a.x - b.x);
}

/** What a diffusion fill samples: one crop per hole group, each at its working size. */
export interface DiffusionWork {
  readonly groups: number;
  /** Sum over the groups of working width × height: the network's pixels per sample per step. */
  readonly workingPixels: number;
}

export function diffusionWork(mask: Uint8Array, width: number, height: number, maxWorkingEdge: number): DiffusionWork {
  const groups = holeGroups(mask, width, height);
  let workingPixels = 0;
  for (const g of groups) {
    const w = workingSize(contextRect(g, width, height), maxWorkingEdge);
    workingPixels += w.width * w.height;
  }
  return { groups: groups.length, workingPixels };
}
