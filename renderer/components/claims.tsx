import { claimTime, explainClaim } from '../../shared/preview/claims.ts';

/** A claim's value as text: strings as they are, anything else as JSON. */
function show(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** A token's claims, each with what it means; the export's verification shows them too. */
export function Claims(props: { claims: Record<string, unknown>; label: string }) {
  return (
    <table className="claims" aria-label={props.label}>
      <thead>
        <tr>
          <th scope="col">Claim</th>
          <th scope="col">Value</th>
          <th scope="col">Meaning</th>
        </tr>
      </thead>
      <tbody>
        {Object.entries(props.claims).map(([name, value]) => (
          <tr key={name}>
            <th scope="row">
              <code>{name}</code>
            </th>
            <td>
              <code>{show(value)}</code>
              {claimTime(name, value) !== undefined && (
                <span className="visually-muted"> ({claimTime(name, value)})</span>
              )}
            </td>
            <td>{explainClaim(name) ?? <span className="visually-muted">Custom claim</span>}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
