import type { ReactNode } from 'react';

import { AlertIcon } from '../icons/ui-icons';

/** The keys of a row whose values are strings: what a text or select cell edits. */
type TextKey<Row> = { [K in keyof Row]-?: Row[K] extends string ? K : never }[keyof Row] & string;

interface ColumnBase {
  /** Stem of each cell's accessible name: "Target path" → "Target path of override 2". */
  label: string;
  /** The column header, when it says more than the label ("Target path in the repo"). */
  header?: ReactNode;
  /** A second header line kept in its own case, for a path the cells are relative to ("data/…"). */
  hint?: string | undefined;
  /** A CSS width ("9rem", "30%"); columns without one share what is left equally. */
  width?: string;
}

/** A text input bound to one string field of the row. */
export type TextColumn<Row> = ColumnBase & {
  kind: 'text';
  field: TextKey<Row>;
  placeholder?: string;
  mono?: boolean;
  /**
   * The field is the row's own name (a variable's, a folder's): the other cells and the remove
   * button are named after it; its own cell keeps the row number, so its name does not change as it is typed.
   */
  isName?: boolean;
};

/** A select bound to one string field; the options are typed by that field. */
export type SelectColumn<Row> = ColumnBase &
  {
    [K in TextKey<Row>]: { kind: 'select'; field: K; options: ReadonlyArray<{ value: Row[K]; label: string }> };
  }[TextKey<Row>];

/** One column of an EditableRows table. */
export type RowColumn<Row> = TextColumn<Row> | SelectColumn<Row>;

interface RowCellProps<Row> {
  column: RowColumn<Row>;
  row: Row;
  label: string;
  /** Wizard field key of this cell (`code.overrides.1.target`): the error's lookup and test id. */
  errorKey: string;
  error: string | undefined;
  warning?: string | undefined;
  update: (patch: Partial<Row>) => void;
  /** The text cell lost focus (the wizard checks a file path then). */
  onBlur?: (() => void) | undefined;
}

/** One cell: its control, and its message right under it when invalid. */
export function RowCell<Row>({ column, row, label, errorKey, error, warning, update, onBlur }: RowCellProps<Row>) {
  const errorId = error ? `error-${errorKey}` : undefined;
  const warningId = warning ? `warning-${errorKey}` : undefined;
  const describedBy = [errorId, warningId].filter(Boolean).join(' ') || undefined;
  const aria = { 'aria-label': label, 'aria-invalid': error ? true : undefined, 'aria-describedby': describedBy };
  return (
    <td>
      {column.kind === 'text' && (
        <input
          className={column.mono ? 'input input--mono' : 'input'}
          {...aria}
          value={row[column.field] as string}
          placeholder={column.placeholder}
          spellCheck={false}
          onChange={(e) => update({ [column.field]: e.target.value } as Partial<Row>)}
          onBlur={onBlur}
        />
      )}
      {column.kind === 'select' && (
        // The select only offers the column's options, each a value of the field's own type.
        <select
          className="select"
          {...aria}
          value={row[column.field] as string}
          onChange={(e) => update({ [column.field]: e.target.value } as Partial<Row>)}
        >
          {column.options.map((option) => (
            <option key={option.value as string} value={option.value as string}>
              {option.label}
            </option>
          ))}
        </select>
      )}
      {error && (
        <p className="field__error" id={errorId} data-testid={`error-${errorKey}`}>
          <AlertIcon size={12} />
          {error}
        </p>
      )}
      {warning && (
        <p className="field__warning" id={warningId} data-testid={`warning-${errorKey}`}>
          <AlertIcon size={12} />
          {warning}
        </p>
      )}
    </td>
  );
}
