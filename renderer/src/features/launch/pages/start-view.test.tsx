// @vitest-environment happy-dom
import { act } from 'react';
import { beforeEach, describe, expect, it, vi } from 'vitest';

import type { RunTemplate } from '../../../../../shared/domain/account';
import type { TrainDeckApi } from '../../../../../shared/ipc/api';
import { type AppError, fail, ok } from '../../../../../shared/ipc/result';
import { setApi } from '../../../bridge/api-ref';
import { startBridge } from '../../../bridge/bridge';
import { type ConnectionState, StateCell, type Transport } from '../../../bridge/connection';
import { render, screen, userEvent } from '../../../testing/render';
import { useLaunch } from '../stores/launch';
import { useWizardAws } from '../stores/wizard-aws';
import { StartView } from './start-view';

// Invariant: while connected, the Templates card shows what main has saved; a load that failed
// because the socket was not open yet (or had dropped) is redone when the connection is ready.

const template = (name: string): RunTemplate => ({
  name,
  savedAt: '2026-12-05T14:00:00.000Z',
  config: { aws: { region: 'eu-west-1' }, storage: { bucket: 'b' }, compute: { instanceType: 'g5.xlarge' } },
});

/** The web transport's behaviour that matters here: commands fail at once while the socket is not open. */
const connection = new StateCell<ConnectionState>({ status: 'connecting' });
let saved: RunTemplate[] = [];
let listFailure: AppError | undefined;
const fakeApi: TrainDeckApi = {
  invoke: (command) => {
    if (connection.get().status !== 'connected') {
      return Promise.resolve(
        fail({ code: 'UNAVAILABLE', message: 'Not connected to TrainDeck right now; reconnecting.' }),
      ) as never;
    }
    if (command === 'aws.identity') {
      return Promise.resolve(ok({ account: '123456789012', arn: 'arn:aws:iam::123456789012:user/ana' })) as never;
    }
    // The bridge reloads every snapshot on connect; only templates and the identity matter here.
    if (command !== 'templates.list') {
      return Promise.resolve(fail({ code: 'NOT_FOUND', message: `${command} is not part of this test.` })) as never;
    }
    return Promise.resolve(listFailure ? fail(listFailure) : ok(saved)) as never;
  },
  subscribe: () => () => {},
};
const transport: Transport = {
  kind: 'web',
  api: fakeApi,
  getState: () => connection.get(),
  onState: (listener) => connection.subscribe(listener),
};
vi.mock('../../../bridge/select-transport', () => ({ selectTransport: () => transport }));

beforeEach(() => {
  saved = [template('nightly')];
  listFailure = undefined;
  useLaunch.setState({ templates: [], templatesLoaded: false, templatesError: undefined, templatesLoading: false });
});

describe('Templates card and the connection', () => {
  it('shows the saved template once the bridge connects after the first load attempt, and again after a reconnect', async () => {
    // The page renders before the socket is open: the race of issue #15.
    render(<StartView />);
    startBridge();
    await act(async () => connection.set({ status: 'connected', host: 'h1' }));
    expect(await screen.findByTestId('template-nightly')).toBeTruthy();
    expect(screen.queryByText('Templates could not be loaded')).toBeNull();

    // Dropped and back (same host): a template saved meanwhile (e.g. from another tab) shows up.
    await act(async () => connection.set({ status: 'reconnecting', attempt: 1, retryInMs: 500 }));
    expect(screen.getByTestId('template-nightly')).toBeTruthy();
    saved = [template('nightly'), template('weekly')];
    await act(async () => connection.set({ status: 'connected', host: 'h1' }));
    expect(await screen.findByTestId('template-weekly')).toBeTruthy();
    expect(screen.getByTestId('template-nightly')).toBeTruthy();
  });

  it('says why a load failed and loads again on Retry', async () => {
    setApi(fakeApi);
    connection.set({ status: 'connected', host: 'h1' });
    listFailure = { code: 'INTERNAL', message: 'The templates file could not be read.', fix: 'Check the data folder.' };
    render(<StartView />);
    expect(await screen.findByText('The templates file could not be read.')).toBeTruthy();
    expect(screen.queryByTestId('template-nightly')).toBeNull();

    listFailure = undefined;
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(await screen.findByTestId('template-nightly')).toBeTruthy();
    expect(screen.queryByText('Templates could not be loaded')).toBeNull();
  });
});

describe('Who the credentials are, and the connection', () => {
  it('asks again once connected instead of keeping "not connected" as the verdict', async () => {
    startBridge();
    await act(async () => connection.set({ status: 'reconnecting', attempt: 1, retryInMs: 500 }));
    useWizardAws.setState({ identity: undefined });
    render(<StartView />);
    expect(screen.queryByTestId('connect-account')).toBeNull();
    await act(async () => connection.set({ status: 'connected', host: 'h1' }));
    expect(await screen.findByTestId('launch-empty')).toBeTruthy();
    expect(useWizardAws.getState().identity?.value?.account).toBe('123456789012');
    expect(screen.queryByTestId('connect-account')).toBeNull();
  });
});
