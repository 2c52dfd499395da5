import { useEffect, useMemo, useRef } from 'react';

import type { Assignments } from '../../../shared/setup/setup-document.ts';
import { ErrorMessage } from '../../components/error-message.tsx';
import { CheckboxField, TextField } from '../../components/fields.tsx';
import { useSecretsPlaceName } from '../../components/secrets-place.tsx';
import { StepFooter } from '../../components/step-footer.tsx';
import { useStepCheck } from '../../components/use-step-check.ts';
import { VirtualList } from '../../components/virtual-list.tsx';
import type { SearchState } from '../../stores/directory-store.ts';
import { useDirectory, useSetupDocument } from '../../stores/store-context.tsx';

/**
 * A row's height before the virtualized list has measured it: one line of text beside a small
 * button. Measured rows take their own height (a long login wraps).
 */
const ROW_HEIGHT_PX = 30;
/** The same for an assigned user or group: one line of text, no button. */
const TEXT_ROW_HEIGHT_PX = 24;

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
 * reader. main answers one page (20 matches), so the list is rendered whole today; it goes
 * through {@link VirtualList} so a bigger page could never make typing slow.
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
        onChange={props.onSearch}
      />
      <p role="status" className="field__help">
        {searchStatus(props.search, props.noun)}
      </p>
      {props.search.error !== null && <ErrorMessage error={props.search.error} />}
      {props.search.matches.length > 0 && (
        <VirtualList
          label={`Matching ${props.noun}s`}
          className="picker__list"
          itemClassName="picker__item"
          estimatedRowHeight={ROW_HEIGHT_PX}
          items={props.search.matches}
          itemKey={(match) => props.describe(match).key}
          renderItem={(match) => {
            const { name, detail } = props.describe(match);
            const isChosen = props.isChosen(match);
            return (
              <>
                <span>
                  <strong>{name}</strong> <span className="visually-muted">{detail}</span>
                </span>
                <button
                  type="button"
                  className="button button--small"
                  // Not `disabled`: a button disabled under the keyboard drops it to the page
                  // body; this one keeps it, and says the match was added.
                  aria-disabled={isChosen ? true : undefined}
                  onClick={() => {
                    if (!isChosen) {
                      props.onChoose(match);
                    }
                  }}
                >
                  {isChosen ? `${name} added` : `Assign ${name}`}
                </button>
              </>
            );
          }}
        />
      )}
    </div>
  );
}

/**
 * The group search: reads its own search state, so a keystroke re-renders this picker only,
 * never the step with its (possibly 10,000-row) lists.
 */
function GroupPicker(props: { assigned: Assignments['groups'] }) {
  const update = useSetupDocument((state) => state.update);
  const groups = useDirectory((state) => state.groups);
  const searchGroups = useDirectory((state) => state.searchGroups);
  const assignedNames = useMemo(
    () => new Set(props.assigned.map((group) => group.name)),
    [props.assigned],
  );
  return (
    <DirectoryPicker
      label="Search groups"
      path="picker.groups"
      noun="group"
      search={groups}
      onSearch={searchGroups}
      describe={(group) => ({ key: group.id, name: group.name, detail: group.description })}
      isChosen={(group) => assignedNames.has(group.name)}
      onChoose={(group) => {
        update((draft) => {
          draft.assignments.groups.push({ name: group.name });
        });
      }}
    />
  );
}

/** The user search; see {@link GroupPicker}. */
function UserPicker(props: { assigned: Assignments['users'] }) {
  const update = useSetupDocument((state) => state.update);
  const users = useDirectory((state) => state.users);
  const searchUsers = useDirectory((state) => state.searchUsers);
  const assignedLogins = useMemo(
    () => new Set(props.assigned.map((user) => user.login)),
    [props.assigned],
  );
  return (
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
      isChosen={(user) => assignedLogins.has(user.login)}
      onChoose={(user) => {
        update((draft) => {
          draft.assignments.users.push({ login: user.login });
        });
      }}
    />
  );
}

/**
 * What the setup will assign, each with a Remove button.
 *
 * @remarks
 * A setup may name up to 10,000 users (`MAX_ASSIGNED`), from a file or a pasted list, so the
 * list is virtualized once it is long. Removing a row hands the keyboard to the row that takes
 * its place (or the new last one, or "None yet."), so an admin can remove several in a row
 * without the focus dropping to the page.
 */
function ChosenList(props: { label: string; names: string[]; onRemove: (name: string) => void }) {
  const containerRef = useRef<HTMLDivElement>(null);
  const refocusAt = useRef<number | null>(null);
  useEffect(() => {
    const index = refocusAt.current;
    refocusAt.current = null;
    if (index === null || containerRef.current === null) {
      return;
    }
    const row = Math.min(index, props.names.length - 1);
    containerRef.current
      .querySelector<HTMLElement>(
        row < 0 ? '[tabindex="-1"]' : `[data-index="${String(row)}"] button`,
      )
      ?.focus();
  }, [props.names]);

  return (
    <div ref={containerRef}>
      {props.names.length === 0 ? (
        <p className="visually-muted" tabIndex={-1}>
          None yet.
        </p>
      ) : (
        <VirtualList
          label={props.label}
          className="chosen"
          estimatedRowHeight={ROW_HEIGHT_PX}
          items={props.names}
          itemKey={(name) => name}
          renderItem={(name) => (
            <>
              {name}{' '}
              <button
                type="button"
                className="button button--small"
                onClick={(event) => {
                  // Only a button that has the focus hands it on; otherwise it stays where it is.
                  if (event.currentTarget === event.currentTarget.ownerDocument.activeElement) {
                    refocusAt.current = props.names.indexOf(name);
                  }
                  props.onRemove(name);
                }}
              >
                Remove {name}
              </button>
            </>
          )}
        />
      )}
    </div>
  );
}

/**
 * Who can sign in to the app today, and how: directly or through a group.
 *
 * @remarks
 * main reads one page of each (50), so the lists are rendered whole today; they go through
 * {@link VirtualList} so a longer page would stay fast.
 */
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
              {assignments.value.groups.length === 0 && <p className="visually-muted">None.</p>}
              <VirtualList
                label="Assigned groups"
                className="assigned"
                estimatedRowHeight={TEXT_ROW_HEIGHT_PX}
                items={assignments.value.groups}
                itemKey={(group) => group.id}
                renderItem={(group) => group.name}
              />
              <h3>Users</h3>
              {assignments.value.users.length === 0 && <p className="visually-muted">None.</p>}
              <VirtualList
                label="Assigned users"
                className="assigned"
                estimatedRowHeight={TEXT_ROW_HEIGHT_PX}
                items={assignments.value.users}
                itemKey={(user) => user.id}
                renderItem={(user) => (
                  <>
                    {user.displayName} <span className="visually-muted">({user.login})</span> —{' '}
                    {user.via === 'direct' ? 'assigned directly' : 'through a group'}
                  </>
                )}
              />
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
  const secretsPlace = useSecretsPlaceName();
  const update = useSetupDocument((state) => state.update);
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
            help={`Created active with a generated password, which is shown once after apply and kept in ${secretsPlace}.`}
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
          <GroupPicker assigned={assignments.groups} />
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
          <UserPicker assigned={assignments.users} />
        </div>
        <div>
          <CurrentAssignments />
        </div>
      </div>
      <StepFooter nextLabel="Next: issuer" onNext={check} />
    </section>
  );
}
