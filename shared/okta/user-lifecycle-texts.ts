/**
 * Okta's management errors for illegal user lifecycle moves, word for word. The sandbox org
 * answers with them and tests assert them; the console keys on the codes, never the texts.
 *
 * @remarks
 * Source: `../shared/reference/okta-behaviours.md` §5 ("Unlocking a user who is not locked →
 * 403 E0000032 … Wrong status for an operation → 403 E0000038") and §10 (the texts, from Okta's
 * "Error Codes" reference). management.yaml has no example of either.
 */
export const OKTA_USER_LIFECYCLE_ERRORS = {
  /** 403: the operation does not apply to the user's status (suspend an inactive user, …). */
  wrongStatus: {
    errorCode: 'E0000038',
    errorSummary: "This operation is not allowed in the user's current status.",
  },
  /** 403: `unlock` on a user who is not locked out. */
  unlockNotAllowed: { errorCode: 'E0000032', errorSummary: 'Unlock is not allowed for this user.' },
} as const;
