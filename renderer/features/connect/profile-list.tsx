import { useEffect, useRef, useState } from 'react';

import { connectMethodOf, type ProfileSummary } from '../../../shared/profiles/profile.ts';
import { ErrorMessage } from '../../components/error-message.tsx';
import { useProfiles } from '../../stores/store-context.tsx';

function ProfileItem(props: { profile: ProfileSummary; isActive: boolean }) {
  const { profile, isActive } = props;
  const busyProfileId = useProfiles((state) => state.busyProfileId);
  const switchTo = useProfiles((state) => state.switchTo);
  const verify = useProfiles((state) => state.verify);
  const remove = useProfiles((state) => state.remove);
  const forgetToken = useProfiles((state) => state.forgetToken);
  const createServiceApp = useProfiles((state) => state.createServiceApp);
  const method = connectMethodOf(profile);
  const [isConfirmingRemove, setIsConfirmingRemove] = useState(false);
  const cancelRef = useRef<HTMLButtonElement>(null);
  const removeRef = useRef<HTMLButtonElement>(null);
  const wasConfirming = useRef(false);
  const isBusy = busyProfileId === profile.id;
  const headingId = `profile-${profile.id}-name`;

  // The question takes the keyboard on its safe answer, Cancel: a stray Enter keeps the org.
  // Once it is answered with Cancel (or Escape), the keyboard goes back to "Remove…".
  useEffect(() => {
    if (isConfirmingRemove) {
      wasConfirming.current = true;
      cancelRef.current?.focus();
    } else if (wasConfirming.current) {
      wasConfirming.current = false;
      removeRef.current?.focus();
    }
  }, [isConfirmingRemove]);

  return (
    <li
      className={`profile ${isActive ? 'profile--active' : ''}`}
      aria-labelledby={headingId}
      aria-busy={isBusy}
    >
      <div className="profile__summary">
        <h3 id={headingId} className="profile__name">
          {profile.label}
          {isActive && <span className="badge badge--accent">Active</span>}
          {profile.kind === 'sandbox' && (
            <span className="badge badge--warning">Local emulation</span>
          )}
        </h3>
        <dl className="profile__facts">
          <dt>Org URL</dt>
          <dd>{profile.orgUrl}</dd>
          <dt>Org name</dt>
          <dd>{profile.orgName}</dd>
          {method.type === 'service-app' ? (
            <>
              <dt>Connects as</dt>
              <dd>Service app {method.clientId} (OAuth 2.0, private key)</dd>
              <dt>Private key</dt>
              <dd>In the OS keychain (key id {method.keyId})</dd>
              <dt>Scopes asked for</dt>
              <dd>{method.scopes.join(', ')}</dd>
              {method.notGranted !== undefined && method.notGranted.length > 0 && (
                <>
                  <dt>Not granted</dt>
                  <dd>
                    {method.notGranted.join(', ')}: what needs{' '}
                    {method.notGranted.length === 1 ? 'it' : 'them'} is refused before it starts.
                    Grant {method.notGranted.length === 1 ? 'it' : 'them'} on the app’s Okta API
                    Scopes tab, then verify again.
                  </dd>
                </>
              )}
              {method.unused !== undefined && method.unused.length > 0 && (
                <>
                  <dt>Granted, never used</dt>
                  <dd>
                    {method.unused.join(', ')}: nothing the console does needs{' '}
                    {method.unused.length === 1 ? 'it' : 'them'}. Revoke{' '}
                    {method.unused.length === 1 ? 'it' : 'them'} for least privilege.
                  </dd>
                </>
              )}
            </>
          ) : (
            <>
              <dt>Token owner</dt>
              <dd>
                {profile.owner.displayName} ({profile.owner.login})
              </dd>
            </>
          )}
          {method.type === 'api-token' && <dt>Admin roles</dt>}
          {method.type === 'api-token' && (
            <dd>
              {profile.adminRoles === null
                ? 'Not readable with this token'
                : profile.adminRoles.length === 0
                  ? 'None'
                  : profile.adminRoles.join(', ')}
            </dd>
          )}
          {method.type === 'api-token' && <dt>API token</dt>}
          {method.type === 'api-token' && (
            <dd>
              {profile.tokenHint === null
                ? 'Held in memory by the local sandbox'
                : `In the OS keychain, ending …${profile.tokenHint}`}
            </dd>
          )}
        </dl>
      </div>
      {isConfirmingRemove ? (
        <div
          className="profile__confirm"
          role="group"
          aria-label={`Confirm removing ${profile.label}`}
          onKeyDown={(event) => {
            if (event.key === 'Escape') {
              event.stopPropagation();
              setIsConfirmingRemove(false);
            }
          }}
        >
          <p>
            Remove “{profile.label}”?{' '}
            {profile.kind === 'okta'
              ? method.type === 'service-app'
                ? 'Its private key (and any API token left) is deleted from the OS keychain. Nothing changes in the org.'
                : 'Its API token is deleted from the OS keychain. Nothing changes in the org.'
              : 'Nothing changes in any org.'}
          </p>
          <button
            ref={cancelRef}
            type="button"
            className="button"
            onClick={() => {
              setIsConfirmingRemove(false);
            }}
          >
            Cancel
          </button>
          <button
            type="button"
            className="button button--danger"
            onClick={() => void remove(profile.id)}
            disabled={isBusy}
          >
            Remove {profile.label}
          </button>
        </div>
      ) : (
        <div className="profile__actions">
          {!isActive && (
            <button
              type="button"
              className="button"
              onClick={() => void switchTo(profile.id)}
              disabled={isBusy}
            >
              Switch to {profile.label}
            </button>
          )}
          <button
            type="button"
            className="button"
            onClick={() => void verify(profile.id)}
            disabled={isBusy}
          >
            {isBusy ? 'Working…' : `Verify ${profile.label}`}
          </button>
          {profile.kind === 'okta' && method.type === 'api-token' && (
            <button
              type="button"
              className="button"
              title="Makes an API services app with a new key, the planned scopes and admin role, and connects with it instead of the token"
              onClick={() => void createServiceApp(profile.id)}
              disabled={isBusy}
            >
              Create a service app for {profile.label}
            </button>
          )}
          {method.type === 'service-app' && (
            <button
              type="button"
              className="button"
              onClick={() => void forgetToken(profile.id)}
              disabled={isBusy}
            >
              Forget the API token of {profile.label}
            </button>
          )}
          <button
            ref={removeRef}
            type="button"
            className="button"
            onClick={() => {
              setIsConfirmingRemove(true);
            }}
            disabled={isBusy}
          >
            Remove…
          </button>
        </div>
      )}
    </li>
  );
}

/** The connected orgs, with switch, verify and remove. */
export function ProfileList() {
  const profiles = useProfiles((state) => state.profiles);
  const activeProfileId = useProfiles((state) => state.activeProfileId);
  const listError = useProfiles((state) => state.listError);
  return (
    <section aria-labelledby="profiles-heading">
      <h2 id="profiles-heading">Connected orgs</h2>
      {listError !== null && <ErrorMessage error={listError} />}
      <ul className="profile-list">
        {profiles.map((profile) => (
          <ProfileItem
            key={profile.id}
            profile={profile}
            isActive={profile.id === activeProfileId}
          />
        ))}
      </ul>
    </section>
  );
}
