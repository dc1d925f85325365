import type { ComputeMarket } from '../run-config/schema';

/** A Service Quotas quota that limits the vCPUs of running instances of one family group. */
export interface VcpuQuota {
  /** Quota code in the `ec2` service, e.g. "L-DB2E81BA". */
  code: string;
  /** Its name as the Service Quotas console shows it. */
  name: string;
}

// Quota groups by the letters before the generation digit. Order matters: "inf" before "i".
const GROUPS: Array<{ series: RegExp; onDemand: VcpuQuota; spot: VcpuQuota }> = [
  {
    series: /^inf$/,
    onDemand: { code: 'L-1945791B', name: 'Running On-Demand Inf instances' },
    spot: { code: 'L-B5D1601B', name: 'All Inf Spot Instance Requests' },
  },
  {
    series: /^trn$/,
    onDemand: { code: 'L-2C3B7624', name: 'Running On-Demand Trn instances' },
    spot: { code: 'L-6B0D517C', name: 'All Trn Spot Instance Requests' },
  },
  {
    series: /^dl$/,
    onDemand: { code: 'L-6E869C2A', name: 'Running On-Demand DL instances' },
    spot: { code: 'L-85EED4F7', name: 'All DL Spot Instance Requests' },
  },
  {
    series: /^(g|gr|vt)$/,
    onDemand: { code: 'L-DB2E81BA', name: 'Running On-Demand G and VT instances' },
    spot: { code: 'L-3819A6DF', name: 'All G and VT Spot Instance Requests' },
  },
  {
    series: /^p$/,
    onDemand: { code: 'L-417A185B', name: 'Running On-Demand P instances' },
    spot: { code: 'L-7212CCBC', name: 'All P Spot Instance Requests' },
  },
  {
    series: /^f$/,
    onDemand: { code: 'L-74FC7D96', name: 'Running On-Demand F instances' },
    spot: { code: 'L-88CF9481', name: 'All F Spot Instance Requests' },
  },
  {
    series: /^x$/,
    onDemand: { code: 'L-7295265B', name: 'Running On-Demand X instances' },
    spot: { code: 'L-E3A00192', name: 'All X Spot Instance Requests' },
  },
  {
    series: /^(a|c|d|h|i|im|is|m|r|t|z)$/,
    onDemand: { code: 'L-1216C47A', name: 'Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances' },
    spot: { code: 'L-34B43A08', name: 'All Standard (A, C, D, H, I, M, R, T, Z) Spot Instance Requests' },
  },
];

/** The series letters of an instance type: "g" for "g5.xlarge", "inf" for "inf2.xlarge". */
function seriesOf(instanceType: string): string {
  return /^[a-z]+/.exec(instanceType)?.[0] ?? '';
}

/** The vCPU quota that applies to `instanceType` in `market`, or undefined for an unknown family. */
export function vcpuQuotaFor(instanceType: string, market: ComputeMarket): VcpuQuota | undefined {
  const series = seriesOf(instanceType);
  const group = GROUPS.find((candidate) => candidate.series.test(series));
  return group ? (market === 'spot' ? group.spot : group.onDemand) : undefined;
}

/** True when two instance types count against the same quota (their vCPUs add up). */
export function sameQuotaGroup(a: string, b: string): boolean {
  return vcpuQuotaFor(a, 'on-demand')?.code === vcpuQuotaFor(b, 'on-demand')?.code;
}

/** True for NVIDIA GPU families (G and P), which get the Deep Learning AMI by default. */
export function isGpuType(instanceType: string): boolean {
  return /^(g|gr|p)$/.test(seriesOf(instanceType));
}

/** CPU architecture as EC2 names it. */
export type Architecture = 'x86_64' | 'arm64';

/** The public SSM parameter holding the default AMI for this type and architecture. */
export function defaultAmiParameter(instanceType: string, arch: Architecture): string {
  return isGpuType(instanceType)
    ? `/aws/service/deeplearning/ami/${arch}/base-oss-nvidia-driver-gpu-ubuntu-22.04/latest/ami-id`
    : `/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-${arch}`;
}

/** The login user of an AMI, from its name: Ubuntu images use "ubuntu", Amazon Linux "ec2-user". */
export function sshUserFor(imageName: string): string {
  return /ubuntu/i.test(imageName) ? 'ubuntu' : 'ec2-user';
}
