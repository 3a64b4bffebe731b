/**
 * Browser mode's per-launch token arrives once in the page URL. It is kept in
 * sessionStorage (so a reload works) and removed from the visible address.
 */
export const TOKEN_KEY = 'inpaint-studio.token';

export interface TokenStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

export interface TokenLookup {
  readonly token: string | null;
  /** The address to show instead, or null when it needs no change. */
  readonly cleanUrl: string | null;
}

export function takeToken(href: string, storage: TokenStorage): TokenLookup {
  const url = new URL(href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    storage.setItem(TOKEN_KEY, fromUrl);
    url.searchParams.delete('token');
    return { token: fromUrl, cleanUrl: url.pathname + url.search + url.hash };
  }
  return { token: storage.getItem(TOKEN_KEY), cleanUrl: null };
}
