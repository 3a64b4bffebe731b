/** The user's data folder when the app runs outside Electron (CLI, browser mode). */
import os from 'node:os';
import path from 'node:path';

export function defaultDataDir(): string {
  if (process.env.INPAINT_STUDIO_DATA) return path.resolve(process.env.INPAINT_STUDIO_DATA);
  const home = os.homedir();
  switch (process.platform) {
    case 'win32': return path.join(process.env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'Inpaint Studio');
    case 'darwin': return path.join(home, 'Library', 'Application Support', 'Inpaint Studio');
    default: return path.join(process.env.XDG_DATA_HOME ?? path.join(home, '.local', 'share'), 'inpaint-studio');
  }
}
