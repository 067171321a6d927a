// The confirmation dialog every operator action goes through: its title, what it will do, extra fields of the
// action (children), a reason (recorded with the actor), the API's refusal shown in place, Confirm and Back. A
// native modal <dialog>: focus stays in it, Escape dismisses it.
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';

interface Props {
  title: string;
  explain: string;
  /** Confirm styled as destructive (Cancel task). */
  danger?: boolean;
  /** Sends the action; a rejection's message is shown in the dialog, which stays open. */
  onConfirm: (reason: string) => Promise<void>;
  onClose: (done: boolean) => void;
  /** Where the reason goes, shown in the empty field. */
  reasonHint?: string;
  children?: ComponentChildren;
}

export function ConfirmDialog({
  title,
  explain,
  danger = false,
  onConfirm,
  onClose,
  reasonHint = 'why (recorded in the history)',
  children,
}: Props) {
  const ref = useRef<HTMLDialogElement>(null);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
    return () => d?.close();
  }, []);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await onConfirm(reason);
      onClose(true);
    } catch (err) {
      setError((err as Error).message);
      setBusy(false);
    }
  };

  return (
    <dialog
      ref={ref}
      class="action-dialog"
      aria-labelledby="action-title"
      onCancel={(e) => {
        e.preventDefault();
        onClose(false);
      }}
    >
      <form method="dialog" onSubmit={submit}>
        <h2 id="action-title">{title}</h2>
        <p>{explain}</p>
        {children}
        <label>
          Reason
          <input
            name="reason"
            required
            maxLength={500}
            autoFocus
            value={reason}
            onInput={(e) => setReason((e.currentTarget as HTMLInputElement).value)}
            placeholder={reasonHint}
          />
        </label>
        {error && (
          <p role="alert" class="error">
            {error}
          </p>
        )}
        <div class="actions">
          <button type="submit" class={danger ? 'danger' : 'primary'} disabled={busy}>
            Confirm
          </button>
          <button type="button" onClick={() => onClose(false)}>
            Back
          </button>
        </div>
      </form>
    </dialog>
  );
}
