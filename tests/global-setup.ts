// Every test run starts from fresh bundles: workers, the server and the
// renderer are exercised as they ship, not from stale builds.
import { execFileSync } from 'node:child_process';

export default function setup(): void {
  execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
}
