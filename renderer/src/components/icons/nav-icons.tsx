import { Icon, type IconProps } from './icon';

/** Launch: a rocket, the one-click start. */
export function LaunchIcon(props: IconProps) {
  return (
    <Icon {...props}>
      <path d="M12 2.5c3 2.2 4.8 5.6 4.8 9.4V16H7.2v-4.1c0-3.8 1.8-7.2 4.8-9.4z" />
      <circle cx="12" cy="9.5" r="1.7" />
      <path d="M7.2 12.6 4.8 15v3.3l2.4-1.6M16.8 12.6l2.4 2.4v3.3l-2.4-1.6M10.2 19c.4 1.1 1 1.9 1.8 2.5.8-.6 1.4-1.4 1.8-2.5" />
    </Icon>
  );
}

/** Runs: a pulse line, the live monitor. */
export function RunsIcon(props: IconProps) {
  return (
    <Icon {...props}>
      <path d="M3 12h3.5l2.5-7 5 14 2.5-7H21" />
    </Icon>
  );
}

/** Costs: a coin. */
export function CostsIcon(props: IconProps) {
  return (
    <Icon {...props}>
      <circle cx="12" cy="12" r="9" />
      <path d="M14.8 9.2c-.5-.9-1.5-1.5-2.8-1.5-1.6 0-2.7.8-2.7 2 0 2.8 5.7 1.4 5.7 4.4 0 1.2-1.2 2.2-3 2.2-1.4 0-2.4-.6-3-1.5M12 6v1.7M12 16.3V18" />
    </Icon>
  );
}

/** Settings: sliders rather than a gear, it reads better at 16 px. */
export function SettingsIcon(props: IconProps) {
  return (
    <Icon {...props}>
      <path d="M4 7h9M17 7h3M4 17h3M11 17h9" />
      <circle cx="15" cy="7" r="2" />
      <circle cx="9" cy="17" r="2" />
    </Icon>
  );
}
