import type { CheckStatus } from '../../../../shared/domain/doctor';
import { AlertIcon, CheckIcon, CloseIcon, InfoIcon } from '../icons/ui-icons';

import './status-mark.css';

/** Spoken names of the statuses (the mark itself is a colored glyph). */
const STATUS_LABELS: Record<CheckStatus, string> = {
  pass: 'Passed',
  warn: 'Warning',
  fail: 'Failed',
  info: 'Info',
};

const GLYPHS: Record<CheckStatus, typeof CheckIcon> = {
  pass: CheckIcon,
  warn: AlertIcon,
  fail: CloseIcon,
  info: InfoIcon,
};

/** A round pass/warn/fail/info mark; the shape differs per status, not only the color. */
export function StatusMark({ status }: { status: CheckStatus }) {
  const Glyph = GLYPHS[status];
  return (
    <span className={`status-mark status-mark--${status}`} data-status={status}>
      <Glyph size={12} />
      <span className="visually-hidden">{STATUS_LABELS[status]}</span>
    </span>
  );
}
