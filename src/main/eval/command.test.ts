import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { registerEvalCommand } from './command';

function program(): Command {
  const p = new Command().name('inpaint-studio').exitOverride();
  registerEvalCommand(p).exitOverride().configureOutput({ writeErr: () => {}, writeOut: () => {} });
  return p;
}

describe('registerEvalCommand', () => {
  it('adds `eval` with the documented options', () => {
    const cmd = program().commands.find((c) => c.name() === 'eval')!;
    const flags = cmd.options.map((o) => o.long);
    for (const f of ['--masks', '--families', '--methods', '--samples', '--out', '--max-size', '--seed', '--steps', '--python']) expect(flags).toContain(f);
  });

  it('rejects an unknown mask family and a bad sample count before running anything', async () => {
    await expect(program().parseAsync(['eval', 'photos', '--families', 'thick,circle'], { from: 'user' })).rejects.toThrow(/unknown mask family "circle"/);
    await expect(program().parseAsync(['eval', 'photos', '--samples', '0'], { from: 'user' })).rejects.toThrow(/--samples must be an integer from 1 to 16/);
  });
});
