import { useRef } from 'react';

interface Props {
  readonly canOpenDialog: boolean;
  readonly disabled: boolean;
  readonly onFile: (file: File) => void;
  readonly onOpenDialog: () => void;
}

/** Electron opens the system dialog in main; browser mode uses a file input. */
export function OpenPhotoButton({ canOpenDialog, disabled, onFile, onOpenDialog }: Props) {
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <button
        type="button"
        className="primary"
        disabled={disabled}
        onClick={() => (canOpenDialog ? onOpenDialog() : input.current?.click())}
      >
        Open photo…
      </button>
      {!canOpenDialog && (
        <input
          ref={input}
          type="file"
          className="visually-hidden"
          accept="image/jpeg,image/png,image/webp,image/tiff,.jpg,.jpeg,.png,.webp,.tif,.tiff"
          aria-label="Photo file"
          tabIndex={-1}
          onChange={(e) => {
            const file = e.currentTarget.files?.[0];
            e.currentTarget.value = '';
            if (file) onFile(file);
          }}
        />
      )}
    </>
  );
}
