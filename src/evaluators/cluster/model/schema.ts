// The published JSON Schema of scenario files (examples/cluster/scenario.schema.json is this
// object, a test keeps them identical). It states the structure and the hard limits beyond which
// the simulator cannot run a scenario; the self-play validators apply tighter, realistic bounds.
import type { SchemaNode } from './schema-check';

const id = { type: 'string', minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9_.:/-]+$' } as const;

export const SCENARIO_SCHEMA: SchemaNode = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://policy-evolver.invalid/schemas/cluster-scenario.json',
  title: 'Policy Evolver cluster scenario',
  description: 'Tasks to place on nodes over time, for the cluster allocation domain. Times are seconds from the start, CPU in cores, memory in GB.',
  type: 'object',
  required: ['version', 'id', 'nodes', 'tasks'],
  additionalProperties: false,
  properties: {
    $schema: { type: 'string' },
    version: { const: 1, description: 'Format version.' },
    id,
    level: { enum: ['easy', 'medium', 'hard', 'expert'], description: 'Curriculum level the scenario was made for.' },
    description: { type: 'string', maxLength: 2000 },
    origin: { type: 'object', description: 'Provenance: generator parameters, importer, attacker. Not used by the simulator.' },
    constraints: {
      type: 'object',
      additionalProperties: false,
      properties: {
        preemption: { type: 'boolean', default: false, description: 'Whether policies may preempt running tasks (they restart from scratch).' },
        maxWaitSeconds: { type: ['number', 'null'], exclusiveMinimum: 0, default: null, description: 'A task waiting longer than this fails.' },
        horizonSeconds: { type: 'number', exclusiveMinimum: 0, maximum: 31536000, description: 'Tasks not finished by then fail. Default: ten times the time the work would take on the whole cluster after the last arrival, at least one day.' },
      },
    },
    nodes: {
      type: 'array',
      minItems: 1,
      maxItems: 5000,
      items: {
        type: 'object',
        required: ['id', 'cpu', 'memory'],
        additionalProperties: false,
        properties: {
          id,
          kind: { enum: ['cloud', 'edge'], default: 'cloud' },
          cpu: { type: 'number', exclusiveMinimum: 0, maximum: 1024, description: 'Cores.' },
          memory: { type: 'number', exclusiveMinimum: 0, maximum: 16384, description: 'GB.' },
          costPerHour: { type: 'number', minimum: 0, maximum: 1000, default: 0, description: 'Dollars per hour while powered on (running at least one task).' },
          idleWatts: { type: 'number', minimum: 0, maximum: 100000, default: 0 },
          peakWatts: { type: 'number', minimum: 0, maximum: 100000, description: 'At full CPU use; at least idleWatts. Default: idleWatts.' },
          speed: { type: 'number', exclusiveMinimum: 0, maximum: 100, default: 1, description: 'Run-time multiplier: a task takes duration / speed seconds.' },
        },
      },
    },
    tasks: {
      type: 'array',
      minItems: 1,
      maxItems: 100000,
      items: {
        type: 'object',
        required: ['id', 'cpu', 'memory', 'duration', 'arrival'],
        additionalProperties: false,
        properties: {
          id,
          tenant: { type: 'string', minLength: 1, maxLength: 128, default: 'default' },
          kind: { enum: ['service', 'batch'], default: 'batch' },
          cpu: { type: 'number', exclusiveMinimum: 0, maximum: 1024 },
          memory: { type: 'number', exclusiveMinimum: 0, maximum: 16384 },
          duration: { type: 'number', exclusiveMinimum: 0, maximum: 31536000, description: 'Real run time on a node of speed 1.' },
          durationEstimate: { type: 'number', exclusiveMinimum: 0, maximum: 31536000, description: 'Run time announced to the policy. Default: duration.' },
          arrival: { type: 'number', minimum: 0, maximum: 31536000 },
          priority: { type: 'integer', minimum: 0, maximum: 11, default: 0 },
          deadline: { type: ['number', 'null'], minimum: 0, description: 'Absolute time by which the task should finish (SLA).' },
        },
      },
    },
  },
};
