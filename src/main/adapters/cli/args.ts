/** Parsers of numeric CLI options: plain decimals in a range, or commander's usage error. */
import { InvalidArgumentError } from 'commander';

export function intArg(name: string, min: number, max: number) {
  return (value: string): number => {
    // Plain decimal digits only: Number() would also take '', '0x10' and '1e1'.
    const n = /^\s*-?\d+\s*$/.test(value) ? Number(value) : NaN;
    if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`${name} must be an integer from ${min} to ${max}`);
    return n;
  };
}

export function floatArg(name: string, min: number, max: number) {
  return (value: string): number => {
    const n = /^\s*-?(\d+\.?\d*|\.\d+)\s*$/.test(value) ? Number(value) : NaN;
    if (!Number.isFinite(n) || n < min || n > max) throw new InvalidArgumentError(`${name} must be a number from ${min} to ${max}`);
    return n;
  };
}

/** Ends a command with this exit code and no further message (what it had to say is printed). */
export class CliExit extends Error {
  constructor(readonly exitCode: number) {
    super(`exit ${exitCode}`);
    this.name = 'CliExit';
  }
}
