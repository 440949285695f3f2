// Validates a custom resource offline against its CustomResourceDefinition's openAPIV3Schema, as
// the API server would: ajv for the schema itself, and a walk that reports every field the schema
// does not define (the API server prunes those silently, so a typo would just vanish).
import { Ajv } from 'ajv';
import { parse } from 'yaml';

type Schema = { properties?: Record<string, Schema>; items?: Schema; 'x-kubernetes-preserve-unknown-fields'?: boolean };
interface Crd {
  spec: { versions: Array<{ name: string; schema: { openAPIV3Schema: Schema } }> };
}

function unknownFields(value: unknown, schema: Schema | undefined, path: string): string[] {
  if (!schema || schema['x-kubernetes-preserve-unknown-fields']) return [];
  if (Array.isArray(value)) return value.flatMap((v, i) => unknownFields(v, schema.items, `${path}/${i}`));
  if (typeof value !== 'object' || value === null) return [];
  if (!schema.properties) return [];
  return Object.entries(value).flatMap(([key, v]) =>
    key in schema.properties! ? unknownFields(v, schema.properties![key], `${path}/${key}`) : [`${path}/${key}`],
  );
}

/** The problems with `resource` under the CRD (empty: valid). */
export function validateAgainstCrd(crdText: string, resource: { apiVersion: string }): string[] {
  const crd = parse(crdText) as Crd;
  const version = resource.apiVersion.split('/').pop();
  const schema = crd.spec.versions.find((v) => v.name === version)?.schema.openAPIV3Schema;
  if (!schema) return [`the CRD has no version ${version}`];
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false, logger: false });
  const valid = ajv.validate(schema, resource);
  const schemaErrors = valid ? [] : (ajv.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`.trim());
  // apiVersion, kind and metadata belong to every object; the API server defines them, not the CRD.
  const { apiVersion: _a, kind: _k, metadata: _m, ...body } = resource as Record<string, unknown>;
  return [...schemaErrors, ...unknownFields(body, schema, '').map((p) => `${p}: not defined by the schema`)];
}
