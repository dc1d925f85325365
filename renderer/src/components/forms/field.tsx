import { cloneElement, type ReactElement, type ReactNode, useId } from 'react';

import { Disclosure } from '../disclosure';
import { AlertIcon } from '../icons/ui-icons';

import './field.css';

interface FieldProps {
  label: ReactNode;
  /** The control; it gets id, aria-invalid and aria-describedby from here. */
  // `| undefined`: the clone sets them to undefined to clear what the child had.
  children: ReactElement<{
    id?: string;
    'aria-invalid'?: boolean | undefined;
    'aria-describedby'?: string | undefined;
  }>;
  hint?: ReactNode;
  /** The hint's details, on demand under a "Details" disclosure (the hint stays one short sentence). */
  details?: ReactNode;
  error?: string | undefined;
  /** Worth saying but not blocking (a key other users can read), under the control like an error. */
  warning?: string | undefined;
  /** Field key, for tests: `field-<key>` on the wrapper, `error-<key>` on the message. */
  name?: string;
  className?: string;
  /** The control is a group that names itself (radio group, picker): the label is a caption, not a <label>. */
  group?: boolean;
}

/** A labelled control with its hint and, when invalid, its message right under it. */
export function Field({ label, children, hint, details, error, warning, name, className, group = false }: FieldProps) {
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const warningId = warning ? `${id}-warning` : undefined;
  const describedBy = [errorId, warningId, hintId].filter(Boolean).join(' ') || undefined;
  return (
    <div
      className={['field', className].filter(Boolean).join(' ')}
      data-testid={name ? `field-${name}` : undefined}
      data-invalid={error ? true : undefined}
    >
      {group ? (
        <span className="field__label" aria-hidden="true">
          {label}
        </span>
      ) : (
        <label className="field__label" htmlFor={id}>
          {label}
        </label>
      )}
      {group
        ? children
        : cloneElement(children, { id, 'aria-invalid': error ? true : undefined, 'aria-describedby': describedBy })}
      {error && (
        <p className="field__error" id={errorId} data-testid={name ? `error-${name}` : undefined}>
          <AlertIcon size={12} />
          {error}
        </p>
      )}
      {warning && (
        <p className="field__warning" id={warningId} data-testid={name ? `warning-${name}` : undefined}>
          <AlertIcon size={12} />
          {warning}
        </p>
      )}
      {hint && (
        <p className="field__hint" id={hintId}>
          {hint}
        </p>
      )}
      {details && <Disclosure summary="Details">{details}</Disclosure>}
    </div>
  );
}
