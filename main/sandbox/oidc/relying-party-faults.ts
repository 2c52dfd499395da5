import type { KeyObject } from 'node:crypto';

/**
 * Relying-party faults (`/__sandbox/oidc-faults`): the sandbox's OIDC side told to misbehave in
 * exactly one named way on its next answer(s), so a relying party — the console's login preview
 * — can be shown to refuse each thing OpenID Connect Core §3.1.3.7–§3.1.3.8, RFC 9207 and
 * RFC 9700 §4 tell it to refuse, against the real provider rather than a stub. The faults live
 * here; `misbehaving-responses.ts` applies them to the provider's answers.
 */

/** Which of the provider's answers a misbehaviour changes. */
export type MisbehavingAnswer = 'token-response' | 'authorization-response' | 'discovery';

/** The issuer a misbehaving answer names instead of the real one (a mix-up's other server). */
export const OTHER_ISSUER = 'https://other-idp.example.com';

/** The audience or authorized party a misbehaving ID token names besides (or instead of) the app. */
export const OTHER_AUDIENCE = '0oaOtherClient0000001';

/**
 * How far the time misbehaviours move `exp` and `iat`: well beyond a relying party's usual
 * clock-skew allowance (the preview allows 60 s), or well within it.
 */
export const SKEW_OFFSETS_SECONDS = { beyond: 300, within: 30 } as const;

/**
 * Every misbehaviour, with the answer it changes and what it does. ID tokens are re-signed with
 * the server's real key unless the misbehaviour is about the signature or the key.
 */
export const RELYING_PARTY_MISBEHAVIOURS = {
  'id-token-iss-wrong': {
    changes: 'token-response',
    does: `The ID token's iss is ${OTHER_ISSUER}.`,
  },
  'id-token-aud-wrong': {
    changes: 'token-response',
    does: `The ID token's aud is ${OTHER_AUDIENCE}, not the app.`,
  },
  'id-token-aud-missing': { changes: 'token-response', does: 'The ID token has no aud.' },
  'id-token-aud-extra': {
    changes: 'token-response',
    does: `The ID token's aud is [the app, ${OTHER_AUDIENCE}], without azp.`,
  },
  'id-token-aud-extra-with-azp': {
    changes: 'token-response',
    does: `The ID token's aud is [the app, ${OTHER_AUDIENCE}], with azp the app.`,
  },
  'id-token-azp-wrong': {
    changes: 'token-response',
    does: `The ID token's azp is ${OTHER_AUDIENCE}.`,
  },
  'id-token-nonce-wrong': {
    changes: 'token-response',
    does: 'The ID token carries a nonce the sign-in did not send.',
  },
  'id-token-nonce-missing': { changes: 'token-response', does: 'The ID token has no nonce.' },
  'id-token-exp-past': {
    changes: 'token-response',
    does: `The ID token expired ${String(SKEW_OFFSETS_SECONDS.beyond)} s ago.`,
  },
  'id-token-exp-past-within-skew': {
    changes: 'token-response',
    does: `The ID token expired ${String(SKEW_OFFSETS_SECONDS.within)} s ago.`,
  },
  'id-token-iat-future': {
    changes: 'token-response',
    does: `The ID token is issued ${String(SKEW_OFFSETS_SECONDS.beyond)} s in the future.`,
  },
  'id-token-iat-future-within-skew': {
    changes: 'token-response',
    does: `The ID token is issued ${String(SKEW_OFFSETS_SECONDS.within)} s in the future.`,
  },
  'id-token-sub-missing': { changes: 'token-response', does: 'The ID token has no sub.' },
  'id-token-at-hash-wrong': {
    changes: 'token-response',
    does: "The ID token's at_hash is another access token's.",
  },
  'id-token-signature-broken': {
    changes: 'token-response',
    does: "The ID token's signature is altered.",
  },
  'id-token-alg-none': {
    changes: 'token-response',
    does: 'The ID token is unsigned (alg none).',
  },
  'id-token-alg-hs256': {
    changes: 'token-response',
    does: "The ID token is signed HS256 with the app's client secret.",
  },
  'id-token-kid-unknown': {
    changes: 'token-response',
    does: "The ID token's kid names no key of the JWKS (signed with the real key).",
  },
  'id-token-key-unpublished': {
    changes: 'token-response',
    does: 'The ID token is signed by a new key the JWKS never publishes.',
  },
  'signing-key-rotated': {
    changes: 'token-response',
    does: 'The server rotates its signing key: a new key signs the ID token, and the JWKS publishes it beside the old one from then on.',
  },
  'signing-key-rotated-after-jwks-read': {
    changes: 'token-response',
    does: "As signing-key-rotated, but the JWKS's next answer is still the old set (read before the rotation, or from a cache that has not caught up).",
  },
  'authorization-response-iss-wrong': {
    changes: 'authorization-response',
    does: `The redirect back carries iss ${OTHER_ISSUER}.`,
  },
  'authorization-response-iss-missing': {
    changes: 'authorization-response',
    does: 'The redirect back has no iss, though discovery advertises authorization_response_iss_parameter_supported.',
  },
  'authorization-response-state-changed': {
    changes: 'authorization-response',
    does: 'The redirect back carries another state.',
  },
  'authorization-response-state-missing': {
    changes: 'authorization-response',
    does: 'The redirect back has no state.',
  },
  'authorization-response-error': {
    changes: 'authorization-response',
    does: "The redirect back is Okta's access_denied error instead of a code.",
  },
  'authorization-response-error-iss-wrong': {
    changes: 'authorization-response',
    does: `The redirect back is an access_denied error naming iss ${OTHER_ISSUER}.`,
  },
  'discovery-without-s256': {
    changes: 'discovery',
    does: 'The discovery document advertises only the plain PKCE method.',
  },
} as const satisfies Record<string, { changes: MisbehavingAnswer; does: string }>;

/** One way the sandbox's OIDC side can misbehave; see {@link RELYING_PARTY_MISBEHAVIOURS}. */
export type RelyingPartyMisbehaviour = keyof typeof RELYING_PARTY_MISBEHAVIOURS;

function isMisbehaviour(value: unknown): value is RelyingPartyMisbehaviour {
  return typeof value === 'string' && Object.hasOwn(RELYING_PARTY_MISBEHAVIOURS, value);
}

/** One armed fault and how many more answers it will change. */
export interface RelyingPartyFault {
  id: number;
  misbehaviour: RelyingPartyMisbehaviour;
  /** Only this app's answers; `undefined` for any app's. */
  clientId: string | undefined;
  remaining: number;
}

/** The signing key a rotation switched one authorization server to. */
export interface RotatedKey {
  kid: string;
  privateKey: KeyObject;
  /** The public key as the JWKS publishes it, in the shape of the server's own key. */
  publicJwk: Record<string, unknown>;
  /** JWKS answers still to serve the old set before the new key shows. */
  jwksReadsBeforePublished: number;
}

/** The body `POST /__sandbox/oidc-faults` accepts, as its error message states it. */
export const RELYING_PARTY_FAULT_SHAPE =
  '{ misbehaviour: one of the names GET /__sandbox/oidc-faults lists, times?: number (answers it changes, default 1), clientId?: string (only that app\'s answers; not for "discovery-…") }';

const KNOWN_MEMBERS = new Set(['misbehaviour', 'times', 'clientId']);

/** The relying-party faults of one sandbox, and the signing keys they rotated to. */
export interface RelyingPartyFaultStore {
  /** Checks and arms a fault from a control-API body. */
  add(
    body: unknown,
  ): { ok: true; fault: RelyingPartyFault } | { ok: false; problem: string; expected: string };
  /** What is armed and what was rotated, as the control API shows it. */
  list(): {
    faults: Record<string, unknown>[];
    rotatedKeys: { authorizationServer: string; kid: string }[];
  };
  /** Disarms every fault and rotates every server back to its own key. */
  clear(): void;
  /** Whether nothing is armed or rotated: the OIDC layer then answers exactly as without faults. */
  isIdle(): boolean;
  /** The first armed fault for `answer` and this client, with one use taken from it. */
  take(answer: MisbehavingAnswer, clientId: string | undefined): RelyingPartyFault | undefined;
  /** The key a server was rotated to, if any (`'org'` or the server's id). */
  rotatedKey(serverKey: string): RotatedKey | undefined;
  /** Records that a server now signs with `key`. */
  rotate(serverKey: string, key: RotatedKey): void;
}

function isWholeNumber(value: unknown, minimum: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= minimum;
}

/** An empty {@link RelyingPartyFaultStore}. */
export function createRelyingPartyFaultStore(): RelyingPartyFaultStore {
  let faults: RelyingPartyFault[] = [];
  const rotations = new Map<string, RotatedKey>();
  let nextId = 1;
  return {
    add(body) {
      const fail = (problem: string) => ({
        ok: false as const,
        problem,
        expected: RELYING_PARTY_FAULT_SHAPE,
      });
      if (typeof body !== 'object' || body === null || Array.isArray(body)) {
        return fail('The fault must be a JSON object.');
      }
      const input = body as Record<string, unknown>;
      const unknown = Object.keys(input).filter((member) => !KNOWN_MEMBERS.has(member));
      if (unknown.length > 0) {
        return fail(`Unknown member ${JSON.stringify(unknown[0])}.`);
      }
      const { misbehaviour, times = 1, clientId } = input;
      if (!isMisbehaviour(misbehaviour)) {
        return fail(
          `"misbehaviour" must be one of ${Object.keys(RELYING_PARTY_MISBEHAVIOURS).join(', ')}; not ${JSON.stringify(misbehaviour ?? null)}.`,
        );
      }
      if (!isWholeNumber(times, 1)) {
        return fail('"times" must be a whole number from 1.');
      }
      if (clientId !== undefined && (typeof clientId !== 'string' || clientId === '')) {
        return fail('"clientId" must be an app\'s client id.');
      }
      if (
        clientId !== undefined &&
        RELYING_PARTY_MISBEHAVIOURS[misbehaviour].changes === 'discovery'
      ) {
        return fail(
          '"clientId" does not apply to a discovery misbehaviour: discovery names no app.',
        );
      }
      const fault: RelyingPartyFault = { id: nextId, misbehaviour, clientId, remaining: times };
      nextId += 1;
      faults.push(fault);
      return { ok: true, fault };
    },
    list: () => ({
      faults: faults.map(({ id, misbehaviour, clientId, remaining }) => ({
        id,
        misbehaviour,
        ...(clientId === undefined ? {} : { clientId }),
        remaining,
      })),
      rotatedKeys: [...rotations].map(([authorizationServer, key]) => ({
        authorizationServer,
        kid: key.kid,
      })),
    }),
    clear() {
      faults = [];
      rotations.clear();
    },
    isIdle: () => faults.length === 0 && rotations.size === 0,
    take(answer, clientId) {
      const fault = faults.find(
        (candidate) =>
          RELYING_PARTY_MISBEHAVIOURS[candidate.misbehaviour].changes === answer &&
          (candidate.clientId === undefined || candidate.clientId === clientId),
      );
      if (fault !== undefined) {
        fault.remaining -= 1;
        faults = faults.filter((candidate) => candidate.remaining > 0);
      }
      return fault;
    },
    rotatedKey: (serverKey) => rotations.get(serverKey),
    rotate(serverKey, key) {
      rotations.set(serverKey, key);
    },
  };
}
