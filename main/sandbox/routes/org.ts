import { OKTA_ERRORS } from '../okta-errors.ts';
import { ADMIN_ROLE_TYPES, type AdminRoleType, roleLabel } from '../sandbox-org.ts';
import type { Route } from './route.ts';
import { findUser } from './user-shared.ts';

/** Roles that may read role assignments (`okta.roles.read`). */
const ROLE_READERS: readonly AdminRoleType[] = ['SUPER_ADMIN', 'ORG_ADMIN'];

/** The org settings and role-assignment reads: `getOrgSettings`, `listAssignedRolesForUser`. */
export const ORG_ROUTES: readonly Route[] = [
  {
    operationId: 'listAssignedRolesForUser',
    queryParameters: [],
    method: 'GET',
    pattern: /^\/api\/v1\/users\/(?<userId>[^/]+)\/roles$/,
    allowedRoles: ROLE_READERS,
    handle({ org, orgUrl, caller, params }) {
      const userId = params.userId ?? '';
      const user = userId === 'me' ? caller : findUser(org, userId);
      if (user === undefined) {
        return OKTA_ERRORS.notFound(userId, 'User');
      }
      return {
        status: 200,
        body: user.adminRoles.map((role) => ({
          id: role.id,
          label: roleLabel(role.type),
          type: role.type,
          status: 'ACTIVE',
          created: role.created,
          lastUpdated: role.created,
          assignmentType: 'USER',
          _links: { assignee: { href: `${orgUrl}/api/v1/users/${user.id}` } },
        })),
      };
    },
  },
  {
    operationId: 'getOrgSettings',
    queryParameters: [],
    method: 'GET',
    pattern: /^\/api\/v1\/org$/,
    // Any admin may read the org's general settings; a user without an admin role may not.
    allowedRoles: ADMIN_ROLE_TYPES,
    handle({ org, orgUrl }) {
      return {
        status: 200,
        body: {
          id: org.id,
          companyName: org.companyName,
          subdomain: org.subdomain,
          status: 'ACTIVE',
          created: org.created,
          lastUpdated: org.created,
          website: orgUrl,
          endUserSupportHelpURL: `${orgUrl}/help`,
          _links: {
            preferences: { href: `${orgUrl}/api/v1/org/preferences` },
            contacts: { href: `${orgUrl}/api/v1/org/contacts` },
          },
        },
      };
    },
  },
];
