/** Entry of the `inpaint-studio` bundle (dist/main/cli.cjs). */
import { runCli } from './program';

runCli(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`inpaint-studio: ${String(err)}`);
    process.exit(1);
  },
);
