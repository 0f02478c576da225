/**
 * The shape of `constraint-tables.json`: what the emulator needs at run time from the two Smithy
 * models, derived by `generate-constraint-tables.ts`. Only the operations the handlers call are in
 * it, each with its HTTP binding and the constraints of every input member, nested shapes inlined.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The signing names of the services the emulator serves; also the keys of the table. */
export type ApiServiceName = 'iotwireless' | 'iotmanagedintegrations';

/** `@length` or `@range`; an absent bound is no bound. */
export interface Bounds {
  readonly min?: number;
  readonly max?: number;
}

/** A shape's type and constraints. `shape` is the model's shape name, kept for messages and tests. */
export type ValueSpec =
  | { readonly type: 'string'; readonly shape: string; readonly length?: Bounds; readonly pattern?: string; readonly sensitive?: boolean }
  | { readonly type: 'enum'; readonly shape: string; readonly values: readonly string[]; readonly sensitive?: boolean }
  | { readonly type: 'integer' | 'long' | 'double' | 'float'; readonly shape: string; readonly range?: Bounds; readonly sensitive?: boolean }
  | { readonly type: 'boolean' | 'blob' | 'document'; readonly shape: string; readonly sensitive?: boolean }
  /** `format` is the effective one: the `@timestampFormat` trait, else the restJson1 default for the binding. */
  | { readonly type: 'timestamp'; readonly shape: string; readonly format: 'date-time' | 'epoch-seconds' | 'http-date'; readonly sensitive?: boolean }
  | { readonly type: 'list'; readonly shape: string; readonly length?: Bounds; readonly member: ValueSpec; readonly sensitive?: boolean }
  | { readonly type: 'map'; readonly shape: string; readonly length?: Bounds; readonly key: ValueSpec; readonly value: ValueSpec; readonly sensitive?: boolean }
  | { readonly type: 'structure'; readonly shape: string; readonly members: { readonly [name: string]: MemberSpec }; readonly sensitive?: boolean };

/** A structure member: its value's spec plus the member's own traits. */
export type MemberSpec = ValueSpec & {
  readonly required?: boolean;
  readonly idempotencyToken?: boolean;
  readonly default?: unknown;
};

/** Where an input member travels in a restJson1 request. */
export type InputMemberSpec = MemberSpec & {
  readonly binding: 'label' | 'query' | 'header' | 'body';
  /** The query parameter or header name, for those bindings. */
  readonly name?: string;
};

export interface OperationSpec {
  readonly method: string;
  /** The `@http` URI template, for example `/fuota-tasks/{Id}`. */
  readonly uri: string;
  /** The success status code (`@http` code, 200 when the model leaves it out). */
  readonly code: number;
  /** Error shapes the operation declares, by name; their status codes are in the service's `errors`. */
  readonly errors: readonly string[];
  readonly paginated?: { readonly inputToken?: string; readonly outputToken?: string; readonly pageSize?: string };
  readonly input: { readonly [member: string]: InputMemberSpec };
}

export interface ErrorSpec {
  readonly status: number;
  readonly fault: 'client' | 'server';
  /** The error structure's member names, for example `Message` (capital M in both models). */
  readonly members: readonly string[];
}

export interface ServiceSpec {
  /** The model file under ../shared/aws-models it was derived from. */
  readonly model: string;
  readonly shape: string;
  readonly version: string;
  readonly protocol: 'restJson1';
  readonly errors: { readonly [name: string]: ErrorSpec };
  readonly operations: { readonly [name: string]: OperationSpec };
}

export interface ConstraintTables {
  /** Says where the file comes from (JSON has no comments). */
  readonly '//': string;
  readonly 'services': { readonly [name in ApiServiceName]: ServiceSpec };
}

export const CONSTRAINT_TABLES_FILE = path.join(__dirname, 'constraint-tables.json');

let loaded: ConstraintTables | undefined;

/** The committed tables, read once. */
export function constraintTables(): ConstraintTables {
  loaded ??= JSON.parse(fs.readFileSync(CONSTRAINT_TABLES_FILE, 'utf8')) as ConstraintTables;
  return loaded;
}
