import { useEffect, useRef } from 'react';

import { ErrorMessage } from '../../components/error-message.tsx';
import { CheckboxField, TextField } from '../../components/fields.tsx';
import { StepFooter } from '../../components/step-footer.tsx';
import { useStepCheck } from '../../components/use-step-check.ts';
import type { SearchState } from '../../stores/directory-store.ts';
import { useDirectory, useSetupDocument } from '../../stores/store-context.tsx';

/** "3 matches", "Searching…", or nothing: announced politely as the admin types. */
function searchStatus(search: SearchState<unknown>, noun: string): string {
  if (search.status === 'searching') {
    return 'Searching…';
  }
  if (search.status !== 'done') {
    return '';
  }
  const count = search.matches.length;
  const plural = count === 1 ? noun : `${noun}s`;
  return search.more
    ? `First ${String(count)} ${plural}; type more to narrow the list.`
    : `${String(count)} ${plural} found.`;
}

/**
 * A search box over the org's directory and the matches, each with an Assign button.
 *
 * @remarks
 * Plain buttons in a list rather than a combobox: every match is reachable with Tab and
 * announced with its name, and nothing depends on arrow-key handling that differs by screen
 * reader.
 */
function DirectoryPicker<T>(props: {
  label: string;
  path: string;
  noun: string;
  search: SearchState<T>;
  onSearch: (query: string) => void;
  describe: (match: T) => { key: string; name: string; detail: string };
  isChosen: (match: T) => boolean;
  onChoose: (match: T) => void;
}) {
  return (
    <div className="picker">
      <TextField
        label={props.label}
        path={props.path}
        value={props.search.query}
        help="Matches as you type; the org is searched, never loaded whole."
        onChange={props.onSearch}
      />
      <p role="status" className="field__help">
        {searchStatus(props.search, props.noun)}
      </p>
      {props.search.error !== null && <ErrorMessage error={props.search.error} />}
      {props.search.matches.length > 0 && (
        <ul className="picker__list" aria-label={`Matching ${props.noun}s`}>
          {props.search.matches.map((match) => {
            const { key, name, detail } = props.describe(match);
            return (
              <li key={key} className="picker__item">
                <span>
                  <strong>{name}</strong> <span className="visually-muted">{detail}</span>
                </span>
                <button
                  type="button"
                  className="button button--small"
                  disabled={props.isChosen(match)}
                  onClick={() => {
                    props.onChoose(match);
                  }}
                >
                  {props.isChosen(match) ? `${name} added` : `Assign ${name}`}
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}

/** What the setup will assign: each with a Remove button. */
function ChosenList(props: { label: string; names: string[]; onRemove: (name: string) => void }) {
  if (props.names.length === 0) {
    return <p className="visually-muted">None yet.</p>;
  }
  return (
    <ul className="chosen" aria-label={props.label}>
      {props.names.map((name) => (
        <li key={name}>
          {name}{' '}
          <button
            type="button"
            className="button button--small"
            onClick={() => {
              props.onRemove(name);
            }}
          >
            Remove {name}
          </button>
        </li>
      ))}
    </ul>
  );
}

/** Who can sign in to the app today, and how: directly or through a group. */
function CurrentAssignments() {
  const document = useSetupDocument((state) => state.document);
  const assignments = useDirectory((state) => state.assignments);
  const loadAssignments = useDirectory((state) => state.loadAssignments);
  // Load once per app identity, not per keystroke elsewhere in the document.
  const identity = `${document.id} ${document.app.existingAppId ?? ''}`;
  const loadedFor = useRef<string | null>(null);
  useEffect(() => {
    if (loadedFor.current !== identity) {
      loadedFor.current = identity;
      void loadAssignments(document);
    }
  }, [identity, loadAssignments, document]);

  return (
    <section
      className="card"
      aria-labelledby="current-heading"
      aria-busy={assignments.status === 'loading'}
    >
      <h2 id="current-heading">Already assigned</h2>
      {assignments.status === 'loading' && <p role="status">Reading the app’s assignments…</p>}
      {assignments.error !== null && <ErrorMessage error={assignments.error} />}
      {assignments.status === 'done' && assignments.value !== null && (
        <>
          {assignments.value.appId === null ? (
            <p className="visually-muted">
              The app does not exist in the org yet, so nobody is assigned.
            </p>
          ) : assignments.value.users.length === 0 && assignments.value.groups.length === 0 ? (
            <p className="visually-muted">Nobody is assigned to this app yet.</p>
          ) : (
            <>
              <h3>Groups</h3>
              <ul aria-label="Assigned groups">
                {assignments.value.groups.map((group) => (
                  <li key={group.id}>{group.name}</li>
                ))}
              </ul>
              <h3>Users</h3>
              <ul aria-label="Assigned users">
                {assignments.value.users.map((user) => (
                  <li key={user.id}>
                    {user.displayName} <span className="visually-muted">({user.login})</span> —{' '}
                    {user.via === 'direct' ? 'assigned directly' : 'through a group'}
                  </li>
                ))}
              </ul>
              {assignments.value.more && (
                <p className="field__help">
                  More are assigned than shown here; the Admin Console lists them all.
                </p>
              )}
            </>
          )}
        </>
      )}
    </section>
  );
}

/**
 * Step four: who may sign in — a new test user, and existing users and groups found by search.
 */
export function PeopleStep() {
  const update = useSetupDocument((state) => state.update);
  const users = useDirectory((state) => state.users);
  const groups = useDirectory((state) => state.groups);
  const searchUsers = useDirectory((state) => state.searchUsers);
  const searchGroups = useDirectory((state) => state.searchGroups);
  const { document, problem, check } = useStepCheck(['assignments']);
  const assignments = document.assignments;
  const testUser = assignments.testUser;

  return (
    <section className="step" aria-labelledby="people-heading">
      <h1 id="people-heading" tabIndex={-1}>
        Users and groups
      </h1>
      {document.app.implicitAssignment && (
        <p className="note">
          Federation Broker Mode is on: everyone in the org may sign in, and Okta ignores
          assignments. A test user is still created if you ask for one.
        </p>
      )}
      <div className="form-grid">
        <div>
          <h2>Test user</h2>
          <CheckboxField
            label="Create a test user to try the sign-in"
            path="assignments.testUser"
            checked={testUser !== undefined}
            help="Created active with a generated password, which is shown once after apply and kept in your OS keychain."
            onChange={(checked) => {
              update((draft) => {
                if (checked) {
                  draft.assignments.testUser = { firstName: '', lastName: '', email: '' };
                } else {
                  delete draft.assignments.testUser;
                }
              });
            }}
          />
          {testUser !== undefined && (
            <fieldset className="subfields">
              <legend>Test user</legend>
              <TextField
                label="First name"
                path="assignments.testUser.firstName"
                value={testUser.firstName}
                error={problem('assignments.testUser.firstName')}
                onChange={(firstName) => {
                  update((draft) => {
                    if (draft.assignments.testUser !== undefined) {
                      draft.assignments.testUser.firstName = firstName;
                    }
                  });
                }}
              />
              <TextField
                label="Last name"
                path="assignments.testUser.lastName"
                value={testUser.lastName}
                error={problem('assignments.testUser.lastName')}
                onChange={(lastName) => {
                  update((draft) => {
                    if (draft.assignments.testUser !== undefined) {
                      draft.assignments.testUser.lastName = lastName;
                    }
                  });
                }}
              />
              <TextField
                label="Email (also the login)"
                path="assignments.testUser.email"
                type="email"
                value={testUser.email}
                error={problem('assignments.testUser.email')}
                onChange={(email) => {
                  update((draft) => {
                    if (draft.assignments.testUser !== undefined) {
                      draft.assignments.testUser.email = email.trim();
                    }
                  });
                }}
              />
            </fieldset>
          )}
          <h2>Groups to assign</h2>
          <ChosenList
            label="Groups to assign"
            names={assignments.groups.map((group) => group.name)}
            onRemove={(name) => {
              update((draft) => {
                draft.assignments.groups = draft.assignments.groups.filter((g) => g.name !== name);
              });
            }}
          />
          <DirectoryPicker
            label="Search groups"
            path="picker.groups"
            noun="group"
            search={groups}
            onSearch={searchGroups}
            describe={(group) => ({ key: group.id, name: group.name, detail: group.description })}
            isChosen={(group) => assignments.groups.some((g) => g.name === group.name)}
            onChoose={(group) => {
              update((draft) => {
                draft.assignments.groups.push({ name: group.name });
              });
            }}
          />
          <h2>Users to assign</h2>
          <ChosenList
            label="Users to assign"
            names={assignments.users.map((user) => user.login)}
            onRemove={(login) => {
              update((draft) => {
                draft.assignments.users = draft.assignments.users.filter((u) => u.login !== login);
              });
            }}
          />
          <DirectoryPicker
            label="Search users"
            path="picker.users"
            noun="user"
            search={users}
            onSearch={searchUsers}
            describe={(user) => ({
              key: user.id,
              name: user.login,
              detail: `${user.displayName} · ${user.status}`,
            })}
            isChosen={(user) => assignments.users.some((u) => u.login === user.login)}
            onChoose={(user) => {
              update((draft) => {
                draft.assignments.users.push({ login: user.login });
              });
            }}
          />
        </div>
        <div>
          <CurrentAssignments />
        </div>
      </div>
      <StepFooter nextLabel="Next: issuer" onNext={check} />
    </section>
  );
}
