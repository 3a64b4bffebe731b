import { createContext, useContext } from 'react';
import type { StudioApi } from '../../shared/api';

export const ApiContext = createContext<StudioApi | null>(null);

export function useApi(): StudioApi {
  const api = useContext(ApiContext);
  if (!api) throw new Error('useApi outside <ApiContext.Provider>');
  return api;
}
