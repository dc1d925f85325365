// Component tests run in happy-dom (`// @vitest-environment happy-dom` at the top of a *.test.tsx).
// vitest runs without globals here, so Testing Library cannot register its own cleanup: this does.
import { cleanup } from '@testing-library/react';
import { afterEach } from 'vitest';

afterEach(cleanup);

export { render, screen, within } from '@testing-library/react';
export { default as userEvent } from '@testing-library/user-event';
