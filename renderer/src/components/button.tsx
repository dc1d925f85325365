import type { ButtonHTMLAttributes, ReactNode } from 'react';

import { Spinner } from './spinner';

import './button.css';

type Variant = 'primary' | 'secondary' | 'ghost' | 'danger';
type Size = 'sm' | 'md' | 'lg';

interface ButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  variant?: Variant;
  size?: Size;
  icon?: ReactNode;
  /** An icon after the label, e.g. an arrow for "go there". */
  iconEnd?: ReactNode;
  /** Shows a spinner in place of the icon, marks the button busy and disables it (no second click while the first runs). */
  loading?: boolean | undefined;
  /**
   * Visible and focusable but inert (aria-disabled): for actions that exist in the product
   * but cannot run yet, so keyboard and screen-reader users still reach the reason why.
   */
  unavailable?: boolean;
}

/** The one button of the app. */
export function Button({
  variant = 'secondary',
  size = 'md',
  icon,
  iconEnd,
  loading = false,
  unavailable = false,
  className,
  children,
  type = 'button',
  onClick,
  ...rest
}: ButtonProps) {
  const classes = ['button', `button--${variant}`, `button--${size}`, className].filter(Boolean).join(' ');
  return (
    <button
      type={type}
      className={classes}
      aria-busy={loading || undefined}
      aria-disabled={unavailable || undefined}
      onClick={unavailable ? undefined : onClick}
      {...rest}
      disabled={rest.disabled || loading}
    >
      {loading ? <Spinner size={size === 'lg' ? 16 : 14} /> : icon}
      {children !== undefined && <span className="button__label">{children}</span>}
      {iconEnd}
    </button>
  );
}
