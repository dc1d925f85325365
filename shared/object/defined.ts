/**
 * The object's properties whose value is undefined are made optional instead: with
 * `exactOptionalPropertyTypes`, `{ a: x }` where `x` may be undefined does not fit `{ a?: X }`.
 */
export type Defined<T> = { [K in keyof T as undefined extends T[K] ? never : K]: T[K] } & {
  [K in keyof T as undefined extends T[K] ? K : never]?: Exclude<T[K], undefined>;
};

/**
 * A copy of `value` without its undefined properties, typed so (see ADR 0009). Reads better than
 * one `...(x === undefined ? {} : { x })` spread per property when several optional values are copied at once.
 */
export function defined<T extends object>(value: T): Defined<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Defined<T>;
}
