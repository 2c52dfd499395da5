import type { Route } from '../../../main/sandbox/routes/route.ts';
import type { SpecOperation } from './management-spec.ts';

/**
 * A path on a management.yaml template, each `{parameter}` filled with an id-like value: what a
 * route's pattern must match for the route to answer the template's operation.
 */
export function pathOnTemplate(template: string): string {
  return template.replace(/\{[^}]+\}/g, '00sample0id');
}

/** What the sandbox's route registry says of one operation, held against management.yaml. */
export interface RouteAgainstSpec {
  operationId: string;
  method: string;
  /** The spec's operation; `undefined` for a route outside management.yaml. */
  operation: SpecOperation | undefined;
  /** The query parameters the route implements. */
  implemented: readonly string[];
  /** Where the route and the spec disagree; empty when they agree. */
  problems: string[];
}

/**
 * Holds each route to management.yaml: its `operationId` must be the spec's for the same method
 * and a path template its pattern matches, and each query parameter it implements must be one
 * the operation declares.
 *
 * @remarks
 * A route whose pattern matches no path of the spec at all is outside management.yaml (an
 * internal Okta endpoint, e.g. the app groups claim): it may not borrow a spec operation's name,
 * and, as no parameter of it is declared, may implement none.
 */
export function compareRoutesWithSpec(
  routes: readonly Route[],
  operations: readonly SpecOperation[],
): RouteAgainstSpec[] {
  return routes.map((route) => {
    const operation = operations.find((candidate) => candidate.operationId === route.operationId);
    const onSpecPaths = operations.filter((candidate) =>
      route.pattern.test(pathOnTemplate(candidate.template)),
    );
    const problems: string[] = [];
    if (operation === undefined) {
      if (onSpecPaths.length > 0) {
        problems.push(
          `${route.method} ${route.pattern.source} answers paths of management.yaml (${[...new Set(onSpecPaths.map((candidate) => candidate.template))].join(', ')}), but its operationId "${route.operationId}" is not an operation of the spec: name it by the spec's operationId for ${route.method} there.`,
        );
      }
    } else {
      if (operation.method !== route.method) {
        problems.push(
          `${route.operationId} is ${operation.method} in management.yaml, but its route answers ${route.method}.`,
        );
      }
      if (!route.pattern.test(pathOnTemplate(operation.template))) {
        problems.push(
          `The route of ${route.operationId} (${route.pattern.source}) does not match its path in management.yaml, ${operation.template}.`,
        );
      }
    }
    const declared = operation?.queryParameters ?? [];
    for (const name of route.queryParameters.filter((one) => !declared.includes(one))) {
      problems.push(
        `${route.operationId} implements the query parameter "${name}", which management.yaml does not declare for it: Okta would not honour it, so the sandbox must not either. Remove it from the route's queryParameters.`,
      );
    }
    return {
      operationId: route.operationId,
      method: route.method,
      operation,
      implemented: route.queryParameters,
      problems,
    };
  });
}
