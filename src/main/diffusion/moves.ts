/**
 * The sequence of moves a sampling run makes (RePaint, Lugmayr et al. 2022,
 * written from the paper): plain runs go straight down; RePaint, after every
 * `jumpLength` reverse steps, goes back up `jumpLength` levels and descends
 * again, `jumpNSample − 1` times per jump point. Mirrors
 * training/inpaint_training/sampling.py so both sides draw noise alike.
 */

export type Move = 'reverse' | 'undo';

export function repaintMoves(startLevel: number, jumpLength: number, jumpNSample: number): Move[] {
  if (!Number.isInteger(jumpLength) || !Number.isInteger(jumpNSample) || jumpLength < 1 || jumpNSample < 1) {
    throw new Error('jumpLength and jumpNSample must be integers >= 1');
  }
  const end = startLevel + 1;
  const remaining = new Map<number, number>();
  for (let n = jumpLength; n <= end; n += jumpLength) remaining.set(n, jumpNSample - 1);
  const moves: Move[] = [];
  let n = 0;
  while (n < end) {
    moves.push('reverse');
    n++;
    const left = remaining.get(n) ?? 0;
    if (left > 0) {
      remaining.set(n, left - 1);
      for (let k = 0; k < jumpLength; k++) moves.push('undo');
      n -= jumpLength;
    }
  }
  return moves;
}

/** Internal level where a strength-s run starts: ceil(s·S) − 1, clamped to [0, S−1]. */
export function startLevelForStrength(numSteps: number, strength: number): number {
  if (!(strength > 0 && strength <= 1)) throw new Error(`strength must be in (0, 1], got ${strength}`);
  return Math.max(0, Math.min(numSteps - 1, Math.ceil(strength * numSteps) - 1));
}
