import { create } from 'zustand';

import type { AppInfo } from '../../../shared/domain/app-info';
import type { DoctorReport } from '../../../shared/domain/doctor';
import type { AppError } from '../../../shared/ipc/result';
import { api } from '../bridge/api-ref';

interface DoctorState {
  report: DoctorReport | undefined;
  loading: boolean;
  error: AppError | undefined;
}

interface AppStore {
  info: AppInfo | undefined;
  infoError: AppError | undefined;
  doctor: DoctorState;
  loadInfo(): Promise<void>;
  loadDoctor(): Promise<void>;
}

// Only the newest doctor request may write its answer: a slow earlier one must not win.
let doctorRequest = 0;

/** App-level snapshots: app.info and the doctor report behind Settings. */
export const useApp = create<AppStore>()((set, get) => ({
  info: undefined,
  infoError: undefined,
  doctor: { report: undefined, loading: false, error: undefined },

  loadInfo: async () => {
    const result = await api().invoke('app.info', {});
    // A failed reload keeps the info we had: the version does not change while running.
    set(result.ok ? { info: result.value, infoError: undefined } : { infoError: result.error });
  },

  loadDoctor: async () => {
    const request = ++doctorRequest;
    set({ doctor: { ...get().doctor, loading: true, error: undefined } });
    const result = await api().invoke('system.doctor', {});
    if (request !== doctorRequest) return;
    set({
      doctor: result.ok
        ? { report: result.value, loading: false, error: undefined }
        : { report: get().doctor.report, loading: false, error: result.error },
    });
  },
}));
