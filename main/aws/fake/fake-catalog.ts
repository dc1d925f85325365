import type { InstanceTypeInfo } from '../ports/ec2-launch-port';

/** Instance types the fake knows, with the facts preflight reads. */
export const FAKE_INSTANCE_TYPES: Record<string, InstanceTypeInfo> = {
  't3.micro': { vcpus: 2, memoryMiB: 1024, architectures: ['x86_64'], gpus: 0 },
  't3.large': { vcpus: 2, memoryMiB: 8192, architectures: ['x86_64'], gpus: 0 },
  't4g.small': { vcpus: 2, memoryMiB: 2048, architectures: ['arm64'], gpus: 0 },
  'm7i.large': { vcpus: 2, memoryMiB: 8192, architectures: ['x86_64'], gpus: 0 },
  'c7i.xlarge': { vcpus: 4, memoryMiB: 8192, architectures: ['x86_64'], gpus: 0 },
  'g5.xlarge': { vcpus: 4, memoryMiB: 16384, architectures: ['x86_64'], gpus: 1 },
  'g5.2xlarge': { vcpus: 8, memoryMiB: 32768, architectures: ['x86_64'], gpus: 1 },
  'g6.xlarge': { vcpus: 4, memoryMiB: 16384, architectures: ['x86_64'], gpus: 1 },
  'p4d.24xlarge': { vcpus: 96, memoryMiB: 1179648, architectures: ['x86_64'], gpus: 8 },
};

/** An AMI in the fake's regions. */
export interface FakeImage {
  id: string;
  name: string;
  architecture: string;
  rootDeviceName: string;
  ebsDeviceNames: string[];
  rootSizeGb: number;
  /** Snapshots backing the image: they cannot be deleted while it is registered. */
  snapshotIds: string[];
}

/** The default images, each published under its public SSM parameter. */
export const FAKE_IMAGES: Array<{ parameter: string; image: FakeImage }> = [
  {
    parameter: '/aws/service/deeplearning/ami/x86_64/base-oss-nvidia-driver-gpu-ubuntu-22.04/latest/ami-id',
    image: {
      id: 'ami-0d1a0000000000001',
      name: 'Deep Learning Base OSS Nvidia Driver GPU AMI (Ubuntu 22.04) 20250601',
      architecture: 'x86_64',
      rootDeviceName: '/dev/sda1',
      ebsDeviceNames: ['/dev/sda1'],
      rootSizeGb: 75,
      snapshotIds: [],
    },
  },
  {
    parameter: '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64',
    image: {
      id: 'ami-0a12023000000086',
      name: 'al2023-ami-2023.7.20250527.1-kernel-6.1-x86_64',
      architecture: 'x86_64',
      rootDeviceName: '/dev/xvda',
      ebsDeviceNames: ['/dev/xvda'],
      rootSizeGb: 8,
      snapshotIds: [],
    },
  },
  {
    parameter: '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64',
    image: {
      id: 'ami-0a12023000000a64',
      name: 'al2023-ami-2023.7.20250527.1-kernel-6.1-arm64',
      architecture: 'arm64',
      rootDeviceName: '/dev/xvda',
      ebsDeviceNames: ['/dev/xvda'],
      rootSizeGb: 8,
      snapshotIds: [],
    },
  },
];
