import type { RunTemplate } from '../../../../../shared/domain/account';
import type { RunConfig } from '../../../../../shared/run-config/schema';
import { Button } from '../../../components/button';
import { formatDateTime } from '../../../format/time';

import './template-list.css';

interface TemplateListProps {
  templates: RunTemplate[];
  onOpen: (template: RunTemplate) => void;
  onDelete: (name: string) => void;
}

/** Saved wizards: what each one runs, and the way back into it. */
export function TemplateList({ templates, onOpen, onDelete }: TemplateListProps) {
  return (
    <ul className="templates" aria-label="Saved templates" data-testid="templates">
      {templates.map((template) => {
        const config = template.config as RunConfig;
        return (
          <li key={template.name} className="templates__row" data-testid={`template-${template.name}`}>
            <div className="templates__text">
              <span className="templates__name">{template.name}</span>
              <span className="templates__detail">
                {config.compute?.instanceType ?? '—'} · {config.aws.region} · s3://{config.storage.bucket}
                {config.storage.prefix ? `/${config.storage.prefix}` : ''} · saved {formatDateTime(template.savedAt)}
              </span>
            </div>
            <Button
              size="sm"
              variant="ghost"
              onClick={() => onDelete(template.name)}
              aria-label={`Delete template ${template.name}`}
            >
              Delete
            </Button>
            <Button size="sm" onClick={() => onOpen(template)} aria-label={`Open template ${template.name}`}>
              Open
            </Button>
          </li>
        );
      })}
    </ul>
  );
}
