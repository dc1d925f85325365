import type { ReactNode } from 'react';

/** Props every icon takes; icons are decorative, the control around them carries the label. */
export interface IconProps {
  size?: number;
  className?: string;
}

/** A 24-unit stroke icon drawn in currentColor, so it follows the text color and theme. */
export function Icon({ size = 16, className, children }: IconProps & { children: ReactNode }) {
  return (
    <svg
      className={className}
      width={size}
      height={size}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth={1.8}
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      {children}
    </svg>
  );
}
