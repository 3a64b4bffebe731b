import { useEffect, useRef } from 'react';
import { SHORTCUTS } from '../state/keymap';
import { Modal } from './Modal';

/** The shortcuts, listed from the same table the tests check against the keymap. */
export function HelpOverlay({ onClose }: { readonly onClose: () => void }) {
  const close = useRef<HTMLButtonElement>(null);
  useEffect(() => close.current?.focus(), []);
  return (
    <Modal className="help" labelledBy="help-heading" onClose={onClose}>
      <h2 id="help-heading">Keyboard and mouse</h2>
      <table className="shortcuts">
        <tbody>
          {SHORTCUTS.map((s) => (
            <tr key={s.keys}><th scope="row"><kbd>{s.keys}</kbd></th><td>{s.what}</td></tr>
          ))}
        </tbody>
      </table>
      <button ref={close} type="button" onClick={onClose}>Close</button>
    </Modal>
  );
}
