import type { SignInUser } from '../../shared/ipc/contract.ts';
import { KeptSecret } from './kept-secret.tsx';

/**
 * Who to sign in as, and their password from the keychain on request: the same lines for the
 * login preview and the export's verification, which both hand the admin a sign-in to do.
 */
export function SignInAs(props: {
  user: SignInUser;
  /** The password's label, e.g. "Password for the preview". */
  passwordLabel: string;
}) {
  const { login, passwordInKeychain } = props.user;
  if (login === null) {
    return null;
  }
  return (
    <>
      <p>
        Sign in as <code>{login}</code>.
      </p>
      {passwordInKeychain && (
        <KeptSecret label={props.passwordLabel} request={{ secret: 'test-user-password', login }} />
      )}
    </>
  );
}
