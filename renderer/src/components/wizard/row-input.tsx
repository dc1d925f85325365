import { AlertIcon } from '../icons/ui-icons';

interface RowInputProps {
  /** Accessible name, e.g. "Target path of override 2". */
  label: string;
  value: string;
  error: string | undefined;
  errorKey: string;
  placeholder?: string;
  mono?: boolean;
  onChange: (value: string) => void;
}

/** One cell of an editable row table: the input and its message under it. */
export function RowInput({ label, value, error, errorKey, placeholder, mono = false, onChange }: RowInputProps) {
  const errorId = error ? `error-${errorKey}` : undefined;
  return (
    <>
      <input className={`input${mono ? ' input--mono' : ''}`} aria-label={label} value={value} placeholder={placeholder} onChange={(e) => onChange(e.target.value)} aria-invalid={error ? true : undefined} aria-describedby={errorId} spellCheck={false} />
      {error && (
        <p className="field__error" id={errorId} data-testid={`error-${errorKey}`}>
          <AlertIcon size={12} />
          {error}
        </p>
      )}
    </>
  );
}
