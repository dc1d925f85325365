import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';

import { EditableRows, focusAfterRemove, type RowColumn } from './editable-rows';

type Env = { name: string; value: string; scope: 'run' | 'shell' };

const columns: Array<RowColumn<Env>> = [
  { kind: 'text', field: 'name', label: 'Name', mono: true, isName: true },
  { kind: 'text', field: 'value', label: 'Value', header: 'Value (plain text)', hint: 'as/typed' },
  {
    kind: 'select',
    field: 'scope',
    label: 'Scope',
    width: '8rem',
    options: [
      { value: 'run', label: 'Run' },
      { value: 'shell', label: 'Shell' },
    ],
  },
];

// Markup only (the unit tests run in Node, without a DOM); focus moves are covered by e2e/web/wizard.spec.ts.
function render(rows: Env[], errors: Record<string, string> = {}): string {
  return renderToStaticMarkup(
    createElement(EditableRows<Env>, {
      rows,
      columns,
      item: 'variable',
      errorKey: 'training.env',
      errors,
      addLabel: 'Add variable',
      empty: 'No variables.',
      newRow: () => ({ name: '', value: '', scope: 'run' }),
      onChange: () => undefined,
      testId: 'env',
    }),
  );
}

describe('EditableRows', () => {
  it('names every cell and remove button after the row, and each name cell after its number', () => {
    const html = render([
      { name: 'WANDB_MODE', value: 'offline', scope: 'run' },
      { name: ' ', value: '', scope: 'shell' },
    ]);
    expect(html).toContain('aria-label="Name of variable 1"');
    expect(html).toContain('aria-label="Value of WANDB_MODE"');
    expect(html).toContain('aria-label="Scope of WANDB_MODE"');
    expect(html).toContain('aria-label="Remove variable WANDB_MODE"');
    expect(html).toContain('aria-label="Value of variable 2"');
    expect(html).toContain('aria-label="Remove variable 2"');
    expect(html).toContain('<th scope="col">Value (plain text)<span class="editable-rows__hint">as/typed</span></th>');
    expect(html).toContain('<col style="width:8rem"/>');
    expect(html).toContain('<option value="shell" selected="">Shell</option>');
  });

  it('puts each error under its own cell, wired to the control, and the list error above Add', () => {
    const html = render([{ name: '2FAST', value: 'x', scope: 'run' }], {
      'training.env.0.name': 'Not starting with a digit.',
      'training.env': 'Too many.',
    });
    expect(html).toMatch(
      /<td><input class="input input--mono" aria-label="Name of variable 1" aria-invalid="true" aria-describedby="error-training.env.0.name"[^>]*\/><p class="field__error" id="error-training.env.0.name" data-testid="error-training.env.0.name">.*Not starting with a digit\.<\/p><\/td>/,
    );
    expect(html).not.toContain('aria-describedby="error-training.env.0.value"');
    expect(html).toMatch(/data-testid="error-training.env">.*Too many\.<\/p><button[^>]*aria-describedby=/);
  });

  it('says the empty text in place of the table, and keeps Add', () => {
    const html = render([]);
    expect(html).toContain('<p class="editable-rows__empty">No variables.</p>');
    expect(html).not.toContain('<table');
    expect(html).toContain('Add variable');
  });
});

describe('focusAfterRemove', () => {
  it('focuses the row that moves up, or Add after the last row', () => {
    expect(focusAfterRemove(0, 3)).toEqual({ to: 'remove', index: 0 });
    expect(focusAfterRemove(1, 3)).toEqual({ to: 'remove', index: 1 });
    expect(focusAfterRemove(2, 3)).toEqual({ to: 'add' });
    expect(focusAfterRemove(0, 1)).toEqual({ to: 'add' });
  });
});
