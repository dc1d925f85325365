import { type Filter, paginateGetProducts, type PricingClient } from '@aws-sdk/client-pricing';

import { parsePriceListItem, type PriceListProduct } from '../../../shared/pricing/price-list';
import type { PriceListPort } from '../ports/price-list-port';
import { sendOptions } from './sdk-tags';

/** A runaway answer (a filter AWS stopped honouring) ends here rather than paging for minutes. */
const MAX_PAGES_PER_QUERY = 40;

const term = (Field: string, Value: string): Filter => ({ Type: 'TERM_MATCH', Field, Value });

/** The queries of one region: instances narrowed to what TrainDeck launches, then the small families whole. */
function queries(region: string): { serviceCode: string; filters: Filter[] }[] {
  const inRegion = term('regionCode', region);
  return [
    {
      serviceCode: 'AmazonEC2',
      filters: [
        inRegion,
        term('productFamily', 'Compute Instance'),
        term('operatingSystem', 'Linux'),
        term('tenancy', 'Shared'),
        term('preInstalledSw', 'NA'),
        term('capacitystatus', 'Used'),
        term('licenseModel', 'No License required'),
      ],
    },
    { serviceCode: 'AmazonEC2', filters: [inRegion, term('productFamily', 'Storage')] },
    { serviceCode: 'AmazonEC2', filters: [inRegion, term('productFamily', 'System Operation')] },
    { serviceCode: 'AmazonEC2', filters: [inRegion, term('productFamily', 'Provisioned Throughput')] },
    { serviceCode: 'AmazonEC2', filters: [inRegion, term('productFamily', 'Storage Snapshot')] },
    // The public IPv4 charge's product family has changed name before: its usage type is read instead.
    { serviceCode: 'AmazonVPC', filters: [inRegion] },
  ];
}

/** The Price List port over the SDK: GetProducts, every page of each query, parsed by shared/pricing. */
export function createPriceListAdapter(pricing: PricingClient): PriceListPort {
  return {
    async regionProducts(region, { signal } = {}) {
      const products: PriceListProduct[] = [];
      for (const { serviceCode, filters } of queries(region)) {
        let pages = 0;
        for await (const page of paginateGetProducts(
          { client: pricing, pageSize: 100 },
          { ServiceCode: serviceCode, Filters: filters, FormatVersion: 'aws_v1' },
          sendOptions(signal),
        )) {
          for (const item of page.PriceList ?? []) {
            const product = parsePriceListItem(item);
            if (product) products.push(product);
          }
          if (++pages >= MAX_PAGES_PER_QUERY) break;
        }
      }
      return products;
    },
  };
}
