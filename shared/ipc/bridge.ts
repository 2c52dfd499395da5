import type {
  Channel,
  ChannelRequest,
  ChannelResponse,
  EventName,
  EventPayload,
} from './contract.ts';
import type { Result } from './result.ts';

/**
 * The renderer's whole view of main, derived from the contract.
 *
 * @remarks
 * One method per channel, named by the channel, plus `on` for events. There is no generic
 * `invoke(channel)` and no raw transport: the preload (Electron) and the HTTP client (browser
 * mode) both implement exactly this type, so nothing else can be reached (Electron checklist #20).
 */
export type BridgeApi = {
  readonly [C in Channel]: (request: ChannelRequest<C>) => Promise<Result<ChannelResponse<C>>>;
} & {
  /** Subscribes to an event; the listener gets the payload only. Returns the unsubscribe function. */
  readonly on: <E extends EventName>(
    event: E,
    listener: (payload: EventPayload<E>) => void,
  ) => () => void;
};

/** The global name under which the preload exposes the bridge. */
export const BRIDGE_GLOBAL_NAME = 'ssoConsole';
