/**
 * Hardware of the instance types in the price table, for the launch wizard's picker:
 * vCPUs, memory and NVIDIA GPUs as AWS lists them. Offered-in-region is asked of EC2.
 */
export interface InstanceSpec {
  vcpus: number;
  memoryGiB: number;
  gpus: number;
  gpuModel?: string;
}

const SIZE_VCPUS: Record<string, number> = {
  micro: 2,
  small: 2,
  medium: 2,
  large: 2,
  xlarge: 4,
  '2xlarge': 8,
  '4xlarge': 16,
  '8xlarge': 32,
  '12xlarge': 48,
  '16xlarge': 64,
  '24xlarge': 96,
  '48xlarge': 192,
};
const BURSTABLE_MEMORY: Record<string, number> = { micro: 1, small: 2, medium: 4, large: 8, xlarge: 16, '2xlarge': 32 };
// GiB per vCPU of the general families.
const MEMORY_PER_VCPU: Record<string, number> = { m: 4, c: 2, r: 8 };

// GPU families: [memory GiB, GPU count] per size, and the GPU model.
const GPU_FAMILIES: Record<string, { model: string; sizes: Record<string, [number, number]> }> = {
  g4dn: {
    model: 'NVIDIA T4',
    sizes: {
      xlarge: [16, 1],
      '2xlarge': [32, 1],
      '4xlarge': [64, 1],
      '8xlarge': [128, 1],
      '12xlarge': [192, 4],
      '16xlarge': [256, 1],
    },
  },
  g5: {
    model: 'NVIDIA A10G',
    sizes: {
      xlarge: [16, 1],
      '2xlarge': [32, 1],
      '4xlarge': [64, 1],
      '8xlarge': [128, 1],
      '12xlarge': [192, 4],
      '16xlarge': [256, 1],
      '24xlarge': [384, 4],
      '48xlarge': [768, 8],
    },
  },
  g6: {
    model: 'NVIDIA L4',
    sizes: {
      xlarge: [16, 1],
      '2xlarge': [32, 1],
      '4xlarge': [64, 1],
      '8xlarge': [128, 1],
      '12xlarge': [192, 4],
      '16xlarge': [256, 1],
      '24xlarge': [384, 4],
      '48xlarge': [768, 8],
    },
  },
  g6e: {
    model: 'NVIDIA L40S',
    sizes: {
      xlarge: [32, 1],
      '2xlarge': [64, 1],
      '4xlarge': [128, 1],
      '8xlarge': [256, 1],
      '12xlarge': [384, 4],
      '48xlarge': [1536, 8],
    },
  },
};
const FIXED: Record<string, InstanceSpec> = {
  'p3.2xlarge': { vcpus: 8, memoryGiB: 61, gpus: 1, gpuModel: 'NVIDIA V100' },
  'p3.8xlarge': { vcpus: 32, memoryGiB: 244, gpus: 4, gpuModel: 'NVIDIA V100' },
  'p3.16xlarge': { vcpus: 64, memoryGiB: 488, gpus: 8, gpuModel: 'NVIDIA V100' },
  'p4d.24xlarge': { vcpus: 96, memoryGiB: 1152, gpus: 8, gpuModel: 'NVIDIA A100' },
  'p5.48xlarge': { vcpus: 192, memoryGiB: 2048, gpus: 8, gpuModel: 'NVIDIA H100' },
};

/** The hardware of `instanceType`, or undefined for a type this table does not describe. */
export function instanceSpec(instanceType: string): InstanceSpec | undefined {
  const fixed = FIXED[instanceType];
  if (fixed) return fixed;
  const [family = '', size = ''] = instanceType.split('.');
  const vcpus = SIZE_VCPUS[size];
  if (vcpus === undefined) return undefined;
  const gpu = GPU_FAMILIES[family];
  if (gpu) {
    const entry = gpu.sizes[size];
    return entry ? { vcpus, memoryGiB: entry[0], gpus: entry[1], gpuModel: gpu.model } : undefined;
  }
  if (family.startsWith('t')) {
    const memory = BURSTABLE_MEMORY[size];
    return memory === undefined
      ? undefined
      : { vcpus: size === 'xlarge' || size === '2xlarge' ? vcpus : 2, memoryGiB: memory, gpus: 0 };
  }
  const perVcpu = MEMORY_PER_VCPU[family.charAt(0)];
  return perVcpu === undefined ? undefined : { vcpus, memoryGiB: vcpus * perVcpu, gpus: 0 };
}
