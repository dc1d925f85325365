import { type ReactNode, useEffect, useId, useRef } from 'react';

import { Button } from '../button';
import { AlertIcon, CloseIcon } from '../icons/ui-icons';
import { RowCell, type RowColumn, type TextColumn } from './editable-rows-cell';

import './field.css';
import './editable-rows.css';

export type { RowColumn } from './editable-rows-cell';

interface EditableRowsProps<Row> {
  rows: Row[];
  columns: Array<RowColumn<Row>>;
  /** What one row is, for accessible names: "override" → "Local file of override 2", "Remove override 2". */
  item: string;
  /** Field key of the list ("code.overrides"): a cell's error is `<key>.<index>.<field>`, the list's own is `<key>`. */
  errorKey: string;
  errors: Readonly<Record<string, string>>;
  /** Notes that do not block, keyed like cell errors. */
  warnings?: Readonly<Record<string, string>> | undefined;
  /** A text cell lost focus, with its key (`code.overrides.1.source`). */
  onCellBlur?: ((key: string) => void) | undefined;
  addLabel: string;
  /** Said in place of the table when there is no row. */
  empty: ReactNode;
  newRow: () => Row;
  onChange: (rows: Row[]) => void;
  testId?: string;
}

/** Where focus goes once the parent has applied an add or a remove. */
export type FocusTarget = { to: 'cell' | 'remove'; index: number } | { to: 'add' };

/** After removing row `index` of `count`: the remove button of the row that moves up into its place, or Add after the last row. */
export function focusAfterRemove(index: number, count: number): FocusTarget {
  return index < count - 1 ? { to: 'remove', index } : { to: 'add' };
}

/**
 * A table of rows the user adds, edits and removes, each cell with its error under it. Columns
 * are data (a text input or a select); the rows stay the caller's (controlled).
 */
export function EditableRows<Row extends object>({
  rows,
  columns,
  item,
  errorKey,
  errors,
  warnings = {},
  onCellBlur,
  addLabel,
  empty,
  newRow,
  onChange,
  testId,
}: EditableRowsProps<Row>) {
  const root = useRef<HTMLDivElement>(null);
  const pending = useRef<FocusTarget | undefined>(undefined);
  const listErrorId = useId();
  // Focus can move only once the parent has re-rendered with the new rows: the row to focus is in the DOM then (or gone).
  useEffect(() => {
    const target = pending.current;
    pending.current = undefined;
    if (target && root.current) focusable(root.current, target)?.focus();
  });
  const nameColumn = columns.find(
    (column): column is TextColumn<Row> => column.kind === 'text' && Boolean(column.isName),
  );
  const update = (index: number, patch: Partial<Row>) =>
    onChange(rows.map((row, i) => (i === index ? { ...row, ...patch } : row)));
  const add = () => {
    pending.current = { to: 'cell', index: rows.length };
    onChange([...rows, newRow()]);
  };
  const remove = (index: number) => {
    pending.current = focusAfterRemove(index, rows.length);
    onChange(rows.filter((_, i) => i !== index));
  };
  const listError = errors[errorKey];
  return (
    <div className="editable-rows" ref={root}>
      {rows.length === 0 ? (
        <p className="editable-rows__empty">{empty}</p>
      ) : (
        <table className="editable-rows__table table-head" data-testid={testId}>
          <colgroup>
            {columns.map((column) => (
              <col key={column.field} style={column.width ? { width: column.width } : undefined} />
            ))}
            <col className="editable-rows__remove-col" />
          </colgroup>
          <thead>
            <tr>
              {columns.map((column) => (
                <th key={column.field} scope="col">
                  {column.header ?? column.label}
                  {column.hint && <span className="editable-rows__hint">{column.hint}</span>}
                </th>
              ))}
              <th scope="col">
                <span className="visually-hidden">Remove</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row, index) => {
              const numbered = `${item} ${index + 1}`;
              const name = nameColumn ? (row[nameColumn.field] as string).trim() : '';
              return (
                // Rows have no id of their own; the wizard's errors name them by index too.
                <tr key={index}>
                  {columns.map((column) => {
                    const key = `${errorKey}.${index}.${column.field}`;
                    const of = column === nameColumn ? numbered : name || numbered;
                    return (
                      <RowCell
                        key={key}
                        column={column}
                        row={row}
                        label={`${column.label} of ${of}`}
                        errorKey={key}
                        error={errors[key]}
                        warning={warnings[key]}
                        update={(patch) => update(index, patch)}
                        onBlur={onCellBlur && (() => onCellBlur(key))}
                      />
                    );
                  })}
                  <td>
                    <Button
                      variant="ghost"
                      size="sm"
                      icon={<CloseIcon size={13} />}
                      aria-label={`Remove ${item} ${name || index + 1}`}
                      data-rows-remove
                      onClick={() => remove(index)}
                    />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {listError && (
        <p className="field__error" id={listErrorId} data-testid={`error-${errorKey}`}>
          <AlertIcon size={12} />
          {listError}
        </p>
      )}
      <Button
        size="sm"
        className="editable-rows__add"
        aria-describedby={listError ? listErrorId : undefined}
        data-rows-add
        onClick={add}
      >
        {addLabel}
      </Button>
    </div>
  );
}

function focusable(root: HTMLElement, target: FocusTarget): HTMLElement | null {
  if (target.to === 'add') return root.querySelector<HTMLElement>('[data-rows-add]');
  const row = root.querySelectorAll('tbody > tr')[target.index];
  return (
    row?.querySelector<HTMLElement>(target.to === 'cell' ? 'input, select, textarea, button' : '[data-rows-remove]') ??
    null
  );
}
