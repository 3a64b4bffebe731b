/** Picks the transport for where the page runs: the Electron bridge, or browser mode over loopback HTTP. */
import type { StudioApi } from '../../shared/api';
import { StudioError } from '../../shared/errors';
import { createBrowserApi } from './browserApi';
import { createElectronApi } from './electronApi';
import { takeToken } from './token';
import './bridge';

export function createStudioApi(): StudioApi {
  if (window.studioBridge?.platform === 'electron') return createElectronApi(window.studioBridge);
  const { token, cleanUrl } = takeToken(window.location.href, window.sessionStorage);
  if (cleanUrl !== null) window.history.replaceState(window.history.state, '', cleanUrl);
  if (!token) {
    throw new StudioError('UNAUTHORIZED', 'This page needs the access token: open the address the studio printed when it started.');
  }
  return createBrowserApi({ token });
}
