import { useEffect, useReducer } from 'react';
import type { AppInfo } from '../../shared/api';
import { defaultFillParams, updateFillParams, type FillParams, type FillParamsInput } from './fillParams';

type Input = FillParamsInput | { readonly type: 'reset'; readonly info: AppInfo };

/** Fill parameters survive version changes within a session; `app.info` decides what is allowed. */
export function useFillParams(info: AppInfo | null): [FillParams, (input: FillParamsInput) => void] {
  const [params, dispatch] = useReducer(
    (state: FillParams, input: Input) => (input.type === 'reset' ? defaultFillParams(input.info) : updateFillParams(state, input, info)),
    info,
    defaultFillParams,
  );
  useEffect(() => {
    if (info) dispatch({ type: 'reset', info });
  }, [info]);
  return [params, dispatch];
}
