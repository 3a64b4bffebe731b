/**
 * The model manifest (models/<id>/manifest.json): what a diffusion or
 * segmentation model is and how to call it. Validated before a model is
 * used; errors name the exact field.
 */
import { z } from 'zod';

const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'a lowercase hex sha256');
const fileName = z.string().min(1).max(200).regex(/^[\w.-]+$/, 'a bare file name inside the model folder');

export const diffusionManifestSchema = z.object({
  schemaVersion: z.literal(1),
  id: z.string().min(1).max(64).regex(/^[a-z0-9][a-z0-9-]*$/, 'lowercase letters, digits and dashes'),
  name: z.string().min(1).max(200),
  kind: z.enum(['conditional-inpaint', 'unconditional']),
  resolution: z.number().int().min(8).max(4096),
  /**
   * Long edge (px) of the working crop the pipeline runs this model at unless
   * told otherwise: a fully convolutional model can run above its training
   * resolution, and where that helps is measured per model (its card says
   * how). Absent: DEFAULT_WORKING_EDGE.
   */
  workingEdge: z.number().int().min(16).max(4096).optional(),
  channels: z.number().int().min(1).max(4),
  valueRange: z.tuple([z.literal(-1), z.literal(1)]),
  prediction: z.literal('epsilon'),
  varianceType: z.enum(['fixed-small', 'fixed-large', 'learned-range']),
  schedule: z.object({
    type: z.enum(['linear', 'cosine']),
    timesteps: z.number().int().min(1).max(100_000),
  }),
  timestepInput: z.literal('original-index'),
  conditioning: z.object({
    maskedSource: z.literal('zero-fill'),
    maskChannel: z.literal('one-is-hole'),
  }).optional(),
  inputs: z.object({
    x: z.object({ name: z.string().min(1), layout: z.literal('NCHW'), channels: z.number().int().min(1).max(16) }),
    t: z.object({ name: z.string().min(1), dtype: z.enum(['float32', 'int64']) }),
  }),
  output: z.object({ name: z.string().min(1), layout: z.literal('NCHW'), channels: z.number().int().min(1).max(16) }),
  file: fileName,
  sha256,
  fp16File: fileName.nullable().optional(),
  fp16Sha256: sha256.nullable().optional(),
  licence: z.string().min(1),
  card: fileName.optional(),
  training: z.record(z.string(), z.unknown()).optional(),
}).superRefine((m, ctx) => {
  const c = m.channels;
  const expectedIn = m.kind === 'conditional-inpaint' ? 2 * c + 1 : c;
  if (m.inputs.x.channels !== expectedIn) {
    ctx.addIssue({ code: 'custom', path: ['inputs', 'x', 'channels'], message: `a ${m.kind} model with ${c} image channels takes ${expectedIn} input channels, not ${m.inputs.x.channels}` });
  }
  const expectedOut = m.varianceType === 'learned-range' ? 2 * c : c;
  if (m.output.channels !== expectedOut && !(m.varianceType !== 'learned-range' && m.output.channels === 2 * c)) {
    ctx.addIssue({ code: 'custom', path: ['output', 'channels'], message: `a ${m.varianceType} model with ${c} channels outputs ${expectedOut} channels, not ${m.output.channels}` });
  }
  if (m.kind === 'conditional-inpaint' && !m.conditioning) {
    ctx.addIssue({ code: 'custom', path: ['conditioning'], message: 'a conditional-inpaint model must say how it is conditioned' });
  }
  if ((m.fp16File ?? null) !== null && (m.fp16Sha256 ?? null) === null) {
    ctx.addIssue({ code: 'custom', path: ['fp16Sha256'], message: 'fp16File needs its sha256' });
  }
});

export type DiffusionManifest = z.infer<typeof diffusionManifestSchema>;

/** The working edge of a model whose manifest names none. */
export const DEFAULT_WORKING_EDGE = 128;

/** The working edge a run uses: the caller's, else the model's own, else the default. */
export function resolveWorkingEdge(requested: number | undefined, manifest: Pick<DiffusionManifest, 'workingEdge'> | undefined): number {
  return requested ?? manifest?.workingEdge ?? DEFAULT_WORKING_EDGE;
}

/** "field.path: message" for the first few problems, for a clear error. */
export function describeManifestIssues(error: z.ZodError): string {
  return error.issues.slice(0, 5).map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`).join('; ');
}

export interface ModelSummary {
  readonly id: string;
  readonly name: string;
  readonly kind: DiffusionManifest['kind'];
  readonly resolution: number;
  /** The working edge the pipeline runs it at by default (resolveWorkingEdge). */
  readonly workingEdge: number;
  readonly hasFp16: boolean;
  readonly licence: string;
}
