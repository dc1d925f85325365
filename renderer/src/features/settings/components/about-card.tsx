import type { AppInfo } from '../../../../../shared/domain/app-info';
import { Card } from '../../../components/card';
import { LogoMark } from '../../../components/logo-mark';
import { TRANSPORT_LABELS } from '../../../format/labels';
import { formatAgo, formatDateTime } from '../../../format/time';
import { useNow } from '../../../hooks/use-now';

import './about-card.css';

/** Name, version, mode and platform of the running app, from app.info. */
export function AboutCard({ info }: { info: AppInfo }) {
  const now = useNow();
  return (
    <Card title="About" testId="about-card">
      <div className="about">
        <div className="about__identity">
          <LogoMark size={40} />
          <div>
            <p className="about__name">{info.productName}</p>
            <p className="about__version tabular">Version {info.version}</p>
          </div>
        </div>
        <dl className="about__facts">
          <dt>Mode</dt>
          <dd>{TRANSPORT_LABELS[info.transport]}</dd>
          <dt>Platform</dt>
          <dd>{info.platform}</dd>
          <dt>Started</dt>
          <dd title={formatDateTime(info.startedAt)}>{formatAgo(info.startedAt, now)}</dd>
        </dl>
      </div>
    </Card>
  );
}
