import { useId, useState } from 'react';

import { useProfiles } from '../../stores/store-context.tsx';
import { ConnectOrgForm } from './connect-org-form.tsx';
import { ConnectServiceAppForm } from './connect-service-app-form.tsx';
import { ProfileList } from './profile-list.tsx';
import { SandboxChoice } from './sandbox-choice.tsx';

/**
 * Step one of the console: choose the org to work on.
 *
 * @remarks
 * With no org connected, the local sandbox is offered first as the default, next to connecting
 * a real Okta org. Afterwards the list of connected orgs leads, and adding another stays below.
 */
export function ConnectPage() {
  const profiles = useProfiles((state) => state.profiles);
  const hasSandbox = profiles.some((profile) => profile.kind === 'sandbox');
  const isFirstRun = profiles.length === 0;
  return (
    <div className="connect-page">
      <h1 tabIndex={-1}>Connect an org</h1>
      {isFirstRun ? (
        <p className="lede">
          Choose where to set up single sign-on. No Okta org yet? Start with the local sandbox org;
          you can connect your Okta org at any time.
        </p>
      ) : (
        <ProfileList />
      )}
      <section aria-labelledby="add-heading">
        <h2 id="add-heading">{isFirstRun ? 'Choose an org' : 'Connect another org'}</h2>
        <div className="choices">
          {!hasSandbox && <SandboxChoice isDefault={isFirstRun} />}
          <section className="card" aria-labelledby="okta-heading">
            <h3 id="okta-heading">Connect your Okta org</h3>
            <ConnectMethodChoice isSecondary={isFirstRun && !hasSandbox} />
          </section>
        </div>
      </section>
    </div>
  );
}

/**
 * How to connect a real org: an API token, or an API services app with a private key (OAuth 2.0
 * client credentials), which many security teams require instead of tokens on admin accounts.
 */
function ConnectMethodChoice(props: { isSecondary: boolean }) {
  const [method, setMethod] = useState<'api-token' | 'service-app'>('api-token');
  const name = useId();
  return (
    <>
      <fieldset className="method-choice">
        <legend>Connect with</legend>
        <label>
          <input
            type="radio"
            name={name}
            checked={method === 'api-token'}
            onChange={() => {
              setMethod('api-token');
            }}
          />{' '}
          {/* Not "API token": that names the token field below. */}
          Token (SSWS)
        </label>
        <label>
          <input
            type="radio"
            name={name}
            checked={method === 'service-app'}
            onChange={() => {
              setMethod('service-app');
            }}
          />{' '}
          Service app (OAuth 2.0, private key)
        </label>
      </fieldset>
      {method === 'api-token' ? (
        <ConnectOrgForm isSecondary={props.isSecondary} />
      ) : (
        <ConnectServiceAppForm isSecondary={props.isSecondary} />
      )}
    </>
  );
}
