import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import okta from '@okta/okta-sdk-nodejs';
import { describe, expect, it } from 'vitest';

import { MANAGEMENT_ROUTES } from '../../../../main/sandbox/management-routes.ts';
import {
  ADMIN_ROLES,
  MANAGEMENT_OPERATIONS,
  OPERATION_IDS,
  operationsAtPath,
} from '../../../../shared/okta/management-scopes.ts';
import { findInternalOperation } from '../../../support/conformance/internal-operations.ts';
import { loadManagementSpec } from '../../../support/conformance/management-spec.ts';
import { ROOT } from '../../../support/processes.ts';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = Record<string, Json>;

const isObject = (value: Json | undefined): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Every operation of management.yaml: where it lives and the scopes its `security` lists. */
function specOperations(): Map<string, { method: string; path: string; scopes: string[] }> {
  const document = loadManagementSpec();
  const paths = isObject(document.paths) ? document.paths : {};
  const found = new Map<string, { method: string; path: string; scopes: string[] }>();
  for (const [template, item] of Object.entries(paths)) {
    if (!isObject(item)) {
      continue;
    }
    for (const method of ['get', 'post', 'put', 'patch', 'delete']) {
      const operation = item[method];
      if (!isObject(operation) || typeof operation.operationId !== 'string') {
        continue;
      }
      const security = Array.isArray(operation.security) ? operation.security : [];
      const scopes = security.flatMap((requirement) =>
        isObject(requirement) && Array.isArray(requirement.oauth2)
          ? requirement.oauth2.filter((scope): scope is string => typeof scope === 'string')
          : [],
      );
      found.set(operation.operationId, { method: method.toUpperCase(), path: template, scopes });
    }
  }
  return found;
}

/** Every method name of every API class of the SDK (`applicationApi.listApplications`, …). */
function sdkMethodNames(): Set<string> {
  const client = new okta.Client({
    orgUrl: 'https://example.okta.com',
    token: 'unused',
    authorizationMode: 'SSWS',
    cacheMiddleware: null,
  }) as unknown as Record<string, unknown>;
  const names = new Set<string>();
  for (const [key, api] of Object.entries(client)) {
    if (!key.endsWith('Api') || typeof api !== 'object' || api === null) {
      continue;
    }
    for (
      let proto = Object.getPrototypeOf(api) as object | null;
      proto !== null && proto !== Object.prototype;
      proto = Object.getPrototypeOf(proto) as object | null
    ) {
      for (const name of Object.getOwnPropertyNames(proto)) {
        if (name !== 'constructor') {
          names.add(name);
        }
      }
    }
  }
  return names;
}

/** The TypeScript files of main/, without the sandbox (which serves the API, not calls it). */
function mainSources(): string[] {
  const walk = (folder: string): string[] =>
    readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) {
        return entry.name === 'sandbox' ? [] : walk(full);
      }
      return entry.name.endsWith('.ts') ? [full] : [];
    });
  return walk(path.join(ROOT, 'main'));
}

describe('MANAGEMENT_OPERATIONS against management.yaml', () => {
  const spec = specOperations();

  it.each(OPERATION_IDS)('%s has the method, path and oauth2 scopes the spec declares', (id) => {
    const entry = MANAGEMENT_OPERATIONS[id];
    if (entry.source === 'internal') {
      expect(spec.has(id)).toBe(false);
      expect(
        findInternalOperation(entry.method, entry.path.replaceAll(/\{[^}]+\}/g, 'x'))?.operationId,
      ).toBe(id);
      return;
    }
    expect(spec.get(id)).toEqual({
      method: entry.method,
      path: entry.path,
      scopes: [...entry.scopes],
    });
  });

  it('lists only okta.* scopes the spec defines, so a typo cannot plan a scope Okta lacks', () => {
    const document = loadManagementSpec();
    const schemes = ((document.components as JsonObject).securitySchemes as JsonObject)
      .oauth2 as JsonObject;
    const defined = Object.keys(
      ((schemes.flows as JsonObject).authorizationCode as JsonObject).scopes as JsonObject,
    );
    for (const id of OPERATION_IDS) {
      for (const scope of MANAGEMENT_OPERATIONS[id].scopes) {
        expect(defined).toContain(scope);
      }
    }
  });
});

describe('MANAGEMENT_OPERATIONS against the console’s calls', () => {
  it('has an entry for every SDK method main/ calls', () => {
    const methods = sdkMethodNames();
    expect(methods.has('listApplications')).toBe(true);
    const called = new Map<string, string>();
    for (const file of mainSources()) {
      for (const match of readFileSync(file, 'utf8').matchAll(/\.([A-Za-z0-9]+)\(/g)) {
        const name = match[1] ?? '';
        if (methods.has(name)) {
          called.set(name, path.relative(ROOT, file));
        }
      }
    }
    expect(called.size).toBeGreaterThan(30);
    const missing = [...called].filter(([name]) => !(OPERATION_IDS as string[]).includes(name));
    expect(missing).toEqual([]);
  });
});

describe('MANAGEMENT_OPERATIONS roles against the sandbox’s routes', () => {
  it.each(OPERATION_IDS)(
    '%s allows no role the sandbox refuses, and the same ones where it checks',
    (id) => {
      const route = MANAGEMENT_ROUTES.find((candidate) => candidate.operationId === id);
      expect(route, `the sandbox serves ${id}`).toBeDefined();
      const allowed = route?.allowedRoles === 'any' ? ADMIN_ROLES : (route?.allowedRoles ?? []);
      const roles = [...MANAGEMENT_OPERATIONS[id].roles];
      expect(roles.filter((role) => !(allowed as readonly string[]).includes(role))).toEqual([]);
      if (route?.allowedRoles !== 'any') {
        expect(roles.sort()).toEqual([...allowed].sort());
      }
    },
  );
});

describe('operationsAtPath', () => {
  it('finds the operation of a request path, by method when given', () => {
    expect(operationsAtPath('/api/v1/apps/0oa1/credentials/secrets', 'POST')).toEqual([
      'createOAuth2ClientSecret',
    ]);
    expect(operationsAtPath('/api/v1/apps/0oa1').sort()).toEqual([
      'deleteApplication',
      'getApplication',
      'replaceApplication',
    ]);
    expect(operationsAtPath('/api/v1/users/00u1/roles', 'GET')).toEqual([
      'listAssignedRolesForUser',
    ]);
    expect(operationsAtPath('/api/v1/brands')).toEqual([]);
  });
});
