import { useEffect, useReducer } from 'react';
import type { AppInfo } from '../../shared/api';
import { defaultFillParams, restoreFillParams, STORAGE_KEY, updateFillParams, type FillParams, type FillParamsInput } from './fillParams';

type Input = FillParamsInput | { readonly type: 'reset'; readonly info: AppInfo; readonly stored: string | null };

interface Held {
  readonly params: FillParams;
  /** False until the stored parameters were read: nothing is written before, so defaults never overwrite them. */
  readonly restored: boolean;
}

function storage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null; // storage disabled: parameters then last for the session only
  }
}

/** Fill parameters: the last used are remembered (localStorage) and re-validated against `app.info`. */
export function useFillParams(info: AppInfo | null): [FillParams, (input: FillParamsInput) => void] {
  const [held, dispatch] = useReducer(
    (state: Held, input: Input): Held => (input.type === 'reset'
      ? { params: restoreFillParams(input.stored, input.info), restored: true }
      : { ...state, params: updateFillParams(state.params, input, info) }),
    info,
    (i): Held => ({ params: defaultFillParams(i), restored: false }),
  );
  useEffect(() => {
    if (info) dispatch({ type: 'reset', info, stored: storage()?.getItem(STORAGE_KEY) ?? null });
  }, [info]);
  useEffect(() => {
    if (held.restored) storage()?.setItem(STORAGE_KEY, JSON.stringify(held.params));
  }, [held]);
  return [held.params, dispatch];
}
