import { type RegionChoice, regionChoices } from '../../../../shared/domain/regions';

/**
 * The options of a region picker, as the AWS console names them ("US East (N. Virginia)
 * us-east-1"), a region not enabled for the account marked as such. Without the account's list
 * (not asked yet, or no credentials) every known region is offered unmarked; a value that is not
 * in the list is kept as its own option so a select never shows something else than its value.
 */
export function RegionOptions({ value, regions }: { value: string; regions: RegionChoice[] | undefined }) {
  const list = regions?.length ? regions : regionChoices(undefined);
  return (
    <>
      {value && !list.some((region) => region.code === value) && <option value={value}>{value}</option>}
      {list.map((region) => (
        <option key={region.code} value={region.code}>
          {region.name === region.code ? region.code : `${region.name} ${region.code}`}
          {region.enabled === false ? ' — not enabled for this account' : ''}
        </option>
      ))}
    </>
  );
}
