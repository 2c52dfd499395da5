import { describe, expect, it } from 'vitest';

import { MANAGEMENT_ROUTES } from '../../../../main/sandbox/management-routes.ts';
import {
  listSpecOperations,
  loadManagementSpec,
} from '../../../support/conformance/management-spec.ts';
import {
  compareRoutesWithSpec,
  pathOnTemplate,
} from '../../../support/conformance/sandbox-routes.ts';

/**
 * The sandbox's route registry held to management.yaml: each route names the spec's operation it
 * answers, and implements only query parameters that operation declares — a parameter Okta would
 * not honour must not be honoured by the sandbox either, or a test would pass against the sandbox
 * that means nothing against an org.
 */

const operations = listSpecOperations(loadManagementSpec());

/** Routes that answer some path of the spec; the others are Okta endpoints outside it. */
const onSpecPaths = MANAGEMENT_ROUTES.filter((route) =>
  operations.some((operation) => route.pattern.test(pathOnTemplate(operation.template))),
);
const outsideSpec = MANAGEMENT_ROUTES.filter((route) => !onSpecPaths.includes(route));

describe('every management route on a path of management.yaml', () => {
  it.each(onSpecPaths.map((route) => [route.operationId, route.method, route] as const))(
    '%s: the spec operation of that name is %s on a path the route answers, and declares every parameter the route implements',
    (operationId, method, route) => {
      const operation = operations.find((candidate) => candidate.operationId === operationId);
      expect(operation, `${operationId} is not an operationId of management.yaml`).toBeDefined();
      expect(operation?.method).toBe(method);
      expect(route.pattern.test(pathOnTemplate(operation?.template ?? ''))).toBe(true);
      // The server picks the first route that matches: this one must not be shadowed.
      const path = pathOnTemplate(operation?.template ?? '');
      expect(
        MANAGEMENT_ROUTES.find(
          (candidate) => candidate.method === method && candidate.pattern.test(path),
        ),
      ).toBe(route);
      const undeclared = route.queryParameters.filter(
        (name) => !(operation?.queryParameters ?? []).includes(name),
      );
      expect(undeclared).toEqual([]);
    },
  );

  it('names each operation by one route only', () => {
    const names = MANAGEMENT_ROUTES.map((route) => route.operationId);
    expect(names.filter((name, index) => names.indexOf(name) !== index)).toEqual([]);
  });
});

describe('a route outside management.yaml (an internal Okta endpoint)', () => {
  it.each(outsideSpec.map((route) => [route.operationId, route] as const))(
    '%s borrows no spec operation name and implements no query parameter, as none is declared',
    (operationId, route) => {
      expect(operations.map((operation) => operation.operationId)).not.toContain(operationId);
      expect(route.queryParameters).toEqual([]);
    },
  );
});

describe('compareRoutesWithSpec (the conformance report’s check)', () => {
  it('finds nothing wrong with the registry', () => {
    expect(
      compareRoutesWithSpec(MANAGEMENT_ROUTES, operations).flatMap((row) => row.problems),
    ).toEqual([]);
  });

  it('reports a parameter the spec does not declare, a wrong method and a borrowed path', () => {
    const [listUsers] = MANAGEMENT_ROUTES.filter((route) => route.operationId === 'listUsers');
    if (listUsers === undefined) {
      throw new Error('no listUsers route');
    }
    const problems = compareRoutesWithSpec(
      [
        { ...listUsers, queryParameters: [...listUsers.queryParameters, 'pageSize'] },
        { ...listUsers, method: 'POST' },
        { ...listUsers, operationId: 'listPeople', queryParameters: [] },
      ],
      operations,
    ).map((row) => row.problems);
    expect(problems).toEqual([
      [expect.stringContaining('implements the query parameter "pageSize"')],
      [expect.stringContaining('listUsers is GET in management.yaml')],
      [expect.stringContaining('its operationId "listPeople" is not an operation of the spec')],
    ]);
  });
});
