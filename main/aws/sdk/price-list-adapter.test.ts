import { GetProductsCommand, PricingClient } from '@aws-sdk/client-pricing';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';

import { regionPricesFromProducts } from '../../../shared/pricing/price-list';
import { PRICE_LIST_API_REGION } from '../client-factory';
import { awsError } from '../fake/fake-error';
import { EU_WEST_1_ITEMS as I } from '../testing/price-list-items';
import { createSdkAwsPorts } from './sdk-aws-ports';

const pricing = mockClient(PricingClient);
afterEach(() => pricing.reset());

const ports = () =>
  createSdkAwsPorts({
    region: 'eu-west-1',
    credentials: { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'example' },
    maxAttempts: 1,
  });

function answerByFamily(): void {
  pricing
    .on(GetProductsCommand)
    .callsFake((input: { ServiceCode: string; Filters: { Field: string; Value: string }[] }) => {
      const family = input.Filters.find((f) => f.Field === 'productFamily')?.Value;
      if (input.ServiceCode === 'AmazonVPC') return { FormatVersion: 'aws_v1', PriceList: [I.ipv4] };
      const byFamily: Record<string, string[]> = {
        'Compute Instance': [I.g5, I.t3],
        Storage: [I.gp3],
        'System Operation': [I.gp3Iops, I.io2Tier2, I.io2Tier1],
        'Provisioned Throughput': [I.gp3Throughput],
        'Storage Snapshot': [I.snapshot],
      };
      return { FormatVersion: 'aws_v1', PriceList: byFamily[family ?? ''] ?? [] };
    });
}

describe('the Price List adapter', () => {
  it('asks us-east-1 for the region by regionCode, narrowed to Linux on shared tenancy', async () => {
    answerByFamily();
    await ports().priceList.regionProducts('eu-west-1');
    const calls = pricing.commandCalls(GetProductsCommand);
    expect(await calls[0]!.thisValue.config.region()).toBe(PRICE_LIST_API_REGION);
    const compute = calls
      .map((c) => c.args[0].input)
      .find((i) => i.Filters?.some((f) => f.Value === 'Compute Instance'));
    expect(compute).toMatchObject({ ServiceCode: 'AmazonEC2', FormatVersion: 'aws_v1' });
    expect(Object.fromEntries(compute!.Filters!.map((f) => [f.Field, f.Value]))).toEqual({
      regionCode: 'eu-west-1',
      productFamily: 'Compute Instance',
      operatingSystem: 'Linux',
      tenancy: 'Shared',
      preInstalledSw: 'NA',
      capacitystatus: 'Used',
      licenseModel: 'No License required',
    });
    expect(calls.every((c) => c.args[0].input.Filters?.every((f) => f.Type === 'TERM_MATCH'))).toBe(true);
  });

  it('reads every line of the region from documented answers: instance, EBS, IOPS, throughput, snapshots, IPv4', async () => {
    answerByFamily();
    const products = await ports().priceList.regionProducts('eu-west-1');
    const { table, missing } = regionPricesFromProducts(products, 'eu-west-1', '2026-12-05T21:00:00Z');
    expect(missing).toEqual([]);
    expect(table.instanceHourly).toEqual({ 'g5.xlarge': 1.123, 't3.micro': 0.0114 });
    expect(table.ebsGbMonth.gp3).toBe(0.088);
    // io2's first tier, whichever order its tiers come in; gp3 throughput per MiB/s from AWS's GiBps-mo.
    expect(table.ebsIopsMonth).toMatchObject({ gp3: 0.0055, io2: 0.072 });
    expect(table.gp3ThroughputMibpsMonth).toBeCloseTo(0.044, 12);
    expect(table.snapshotGbMonth).toBe(0.05);
    expect(table.publicIpv4Hourly).toBe(0.005);
  });

  it('follows NextToken through every page', async () => {
    pricing.on(GetProductsCommand).callsFake((input: { NextToken?: string; Filters: { Value: string }[] }) => {
      if (!input.Filters.some((f) => f.Value === 'Compute Instance')) return { PriceList: [] };
      return input.NextToken === 'page-2' ? { PriceList: [I.t3] } : { PriceList: [I.g5], NextToken: 'page-2' };
    });
    const products = await ports().priceList.regionProducts('eu-west-1');
    expect(products.map((p) => p.attributes.instanceType)).toEqual(['g5.xlarge', 't3.micro']);
  });

  it('drops entries that are not products (HTML, truncated JSON) instead of pricing them at $0', async () => {
    pricing.on(GetProductsCommand).callsFake((input: { Filters: { Value: string }[] }) => ({
      PriceList: input.Filters.some((f) => f.Value === 'Compute Instance') ? ['<html>', I.g5.slice(0, 40), I.g5] : [],
    }));
    const products = await ports().priceList.regionProducts('eu-west-1');
    expect(products.map((p) => p.attributes.instanceType)).toEqual(['g5.xlarge']);
  });

  it('passes a refusal through with its code, for the price source to explain', async () => {
    pricing
      .on(GetProductsCommand)
      .rejects(
        awsError(
          'AccessDeniedException',
          'User: arn:aws:iam::123456789012:user/ml is not authorized to perform: pricing:GetProducts',
        ),
      );
    await expect(ports().priceList.regionProducts('eu-west-1')).rejects.toMatchObject({
      name: 'AccessDeniedException',
    });
  });
});
