import type { TransportKind } from '../../../shared/domain/app-info';

/** How each transport is named to the user (sidebar footer, About). */
export const TRANSPORT_LABELS: Record<TransportKind, string> = { electron: 'Desktop', web: 'Browser mode' };
