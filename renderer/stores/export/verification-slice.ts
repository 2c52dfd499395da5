import type { AppErrorValue } from '../../../shared/errors.ts';
import {
  EXPORT_TARGET_IDS,
  type ExportTargetId,
  type VerificationResult,
} from '../../../shared/export/export-targets.ts';
import type { BridgeApi } from '../../../shared/ipc/bridge.ts';
import type { ChannelRequest, ChannelResponse } from '../../../shared/ipc/contract.ts';
import { call } from '../../api/call.ts';
import type { ExportSliceCreator } from '../export-store.ts';

/** A started verification: where to sign in, and what was read from the files. */
export type VerificationStarted = ChannelResponse<'export:verify-start'>;

/** Who signs in to verify the files. */
export type VerificationUser = ChannelRequest<'export:verify-start'>['user'];

/** One target's verification. */
export interface VerificationState {
  status: 'starting' | 'waiting' | 'done' | 'error';
  /** Chosen by the store for this attempt, so answers to an earlier attempt are dropped. */
  operationId: string;
  started: VerificationStarted | null;
  result: VerificationResult | null;
  error: AppErrorValue | null;
}

/** Verifying the files by signing in with exactly what they say, one attempt per target. */
export interface VerificationSlice {
  verifications: Partial<Record<ExportTargetId, VerificationState>>;
  startVerification: (target: ExportTargetId, user: VerificationUser) => Promise<void>;
  /** Hands over the address the browser ended on; resolves the error, if any, to show. */
  pasteVerification: (target: ExportTargetId, url: string) => Promise<AppErrorValue | null>;
  cancelVerification: (target: ExportTargetId) => Promise<void>;
}

/**
 * Ends the verifications of files that are being written again, and returns none: they sign in
 * with the previous files, so they mean nothing for the new ones.
 */
export function endVerifications(
  api: BridgeApi,
  verifications: VerificationSlice['verifications'],
): Pick<VerificationSlice, 'verifications'> {
  for (const target of EXPORT_TARGET_IDS) {
    const verification = verifications[target];
    if (verification?.status === 'waiting' && verification.started !== null) {
      void call(api, 'export:verify-cancel', {
        verificationId: verification.started.verificationId,
      });
    }
  }
  return { verifications: {} };
}

/**
 * Verifying the files on screen: start a sign-in, wait for it (or take a pasted address), cancel.
 *
 * @remarks
 * Each attempt gets its own operation id; the admin can cancel or restart while an answer is on
 * its way, and an answer to an earlier attempt is dropped (a sign-in main began for it is ended).
 */
export function createVerificationSlice(api: BridgeApi): ExportSliceCreator<VerificationSlice> {
  return (set, get) => {
    function setVerification(target: ExportTargetId, verification: VerificationState | undefined) {
      set({ verifications: { ...get().verifications, [target]: verification } });
    }

    function isCurrentVerification(target: ExportTargetId, operationId: string) {
      return get().verifications[target]?.operationId === operationId;
    }

    return {
      verifications: {},

      async startVerification(target, user) {
        const renderId = get().rendering.renderId;
        if (renderId === null) {
          return;
        }
        // A new rendering clears the verifications, so this attempt's id covers that case too.
        const operationId = crypto.randomUUID();
        setVerification(target, {
          status: 'starting',
          operationId,
          started: null,
          result: null,
          error: null,
        });
        const started = await call(api, 'export:verify-start', { renderId, target, user });
        if (!isCurrentVerification(target, operationId)) {
          // Cancelled or restarted meanwhile: end the sign-in main has just begun waiting for.
          if (started.ok) {
            void call(api, 'export:verify-cancel', {
              verificationId: started.data.verificationId,
            });
          }
          return;
        }
        if (!started.ok) {
          setVerification(target, {
            status: 'error',
            operationId,
            started: null,
            result: null,
            error: started.error,
          });
          return;
        }
        setVerification(target, {
          status: 'waiting',
          operationId,
          started: started.data,
          result: null,
          error: null,
        });
        const result = await call(api, 'export:verify-wait', {
          verificationId: started.data.verificationId,
        });
        if (!isCurrentVerification(target, operationId)) {
          return;
        }
        setVerification(target, {
          status: result.ok ? 'done' : 'error',
          operationId,
          started: started.data,
          result: result.ok ? result.data : null,
          error: result.ok ? null : result.error,
        });
      },

      async pasteVerification(target, url) {
        const verificationId = get().verifications[target]?.started?.verificationId;
        if (verificationId === undefined) {
          return null;
        }
        const answer = await call(api, 'export:verify-paste', { verificationId, url });
        return answer.ok ? null : answer.error;
      },

      async cancelVerification(target) {
        const started = get().verifications[target]?.started ?? null;
        setVerification(target, undefined);
        if (started !== null) {
          await call(api, 'export:verify-cancel', { verificationId: started.verificationId });
        }
      },
    };
  };
}
