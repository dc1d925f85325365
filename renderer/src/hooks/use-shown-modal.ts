import { useEffect, useRef } from 'react';

/**
 * A native `<dialog>` shown as a modal while mounted (mounted means shown): it gives focus
 * trapping, Escape and the top layer. Returns the ref to put on the dialog.
 */
export function useShownModal() {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);
  return ref;
}
