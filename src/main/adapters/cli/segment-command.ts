/** `inpaint-studio segment`: a selection mask from the segmentation models. */
import { Command } from 'commander';
import { floatArg, intArg } from './args';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { StudioError } from '../../../shared/errors';
import { writeFileAtomic } from '../../history/store';
import { checkFileName } from '../../imaging/io';
import { parseSegmentFlags, segmentToMaskPng } from '../../segmentation/cli';
import { checkOutputPath } from './output-paths';

interface SegmentCliOptions { output: string; select?: string; point?: string; box?: string; grow?: number; minScore?: number; overwrite: boolean }

export function registerSegmentCommand(program: Command): void {
  program.command('segment')
    .description('make a mask (white = selected) of people or objects: --select CLASS, --point x,y or --box x,y,w,h')
    .argument('<image>', 'the photo')
    .requiredOption('-o, --output <png>', 'mask PNG to write, at the photo\'s size after EXIF rotation')
    .option('--select <class>', 'every detection of a COCO class: person, car, dog, boat, …')
    .option('--point <x,y>', 'the object under this pixel')
    .option('--box <x,y,w,h>', 'the object inside this box')
    .option('--grow <px>', 'grow the selection by this many pixels (default: 0.3 % of the long side)', intArg('--grow', 0, 256))
    .option('--min-score <f>', 'detection confidence threshold 0..1', floatArg('--min-score', 0, 1))
    .option('--overwrite', 'replace an existing output', false)
    .action(async (image: string, o: SegmentCliOptions) => {
      checkFileName(image);
      const request = parseSegmentFlags(o);
      const out = path.resolve(o.output);
      if (path.extname(out).toLowerCase() !== '.png') throw new StudioError('BAD_REQUEST', `masks are written as PNG: name the output …png, not ${path.basename(out)}`);
      await checkOutputPath(out, [path.resolve(image)], o.overwrite, 'the mask');
      const bytes = await fs.readFile(path.resolve(image)).catch((err: NodeJS.ErrnoException) => {
        throw new StudioError('NOT_FOUND', `cannot read ${image}: ${err.code === 'ENOENT' ? 'no such file' : err.message}`);
      });
      const result = await segmentToMaskPng(new Uint8Array(bytes), request, {
        ...(o.grow !== undefined ? { growPx: o.grow } : {}), ...(o.minScore !== undefined ? { minScore: o.minScore } : {}),
      });
      if (result.coverage === 0) {
        for (const l of result.layers) console.error(`${l.label} at ${l.box.x},${l.box.y} ${l.box.width}×${l.box.height}: nothing of it was selected`);
        throw new StudioError('MASK_EMPTY', 'nothing was selected, so no mask was written: try another point or box, or a lower --min-score');
      }
      await writeFileAtomic(out, result.png);
      console.log(out);
      for (const l of result.layers) console.error(`${l.label}${l.score !== null ? ` ${(l.score * 100).toFixed(0)} %` : ''} at ${l.box.x},${l.box.y} ${l.box.width}×${l.box.height}`);
      console.error(`selected ${(result.coverage * 100).toFixed(2)} % of the photo`);
    });
}
