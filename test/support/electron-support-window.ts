/**
 * Electron's support window, computed offline.
 *
 * @remarks
 * Electron supports the latest three stable majors ("Electron Release Timelines", support
 * policy) and ships a new major every 8 weeks, on every other Chromium stable
 * release, since Electron 15. With no network here, the
 * latest stable major is worked out from one known release and that cadence rather than read
 * from a release feed. A slipped release makes the estimate one major early for at most a few
 * weeks, which errs towards upgrading — the safe side.
 */

/** A release the cadence is counted from: Electron 40.0.0 (Chromium 144), 13 January 2026. */
const ANCHOR = { major: 40, date: Date.UTC(2026, 0, 13) };
const CADENCE_MS = 8 * 7 * 24 * 60 * 60 * 1000;
/** How many stable majors Electron supports at once. */
export const SUPPORTED_MAJORS = 3;

/** The latest stable Electron major on `date`, by the 8-week cadence. */
export function latestStableMajor(date: Date): number {
  return ANCHOR.major + Math.floor((date.getTime() - ANCHOR.date) / CADENCE_MS);
}

/** The majors Electron supports on `date`, newest first. */
export function supportedMajors(date: Date): number[] {
  const latest = latestStableMajor(date);
  return Array.from({ length: SUPPORTED_MAJORS }, (_, index) => latest - index);
}

/**
 * Why `version` is out of Electron's support window on `date`, or `null` when it is within it.
 * The text says what was found, why it matters and what to run.
 */
export function electronSupportProblem(version: string, date: Date): string | null {
  const major = Number.parseInt(version.split('.')[0] ?? '', 10);
  if (!Number.isInteger(major)) {
    return `The Electron version in package-lock.json, "${version}", is not a version number. Run npm install to rewrite the lockfile.`;
  }
  const supported = supportedMajors(date);
  const [latest = major] = supported;
  if (supported.includes(major) || major > latest) {
    return null;
  }
  const day = date.toISOString().slice(0, 10);
  return (
    `Electron ${version} (package-lock.json) is out of Electron's support window: on ${day} the ` +
    `supported majors are ${supported.join(', ')} (the latest ${String(SUPPORTED_MAJORS)}), so ` +
    `${String(major)} gets no more security fixes (Electron checklist #16). ` +
    `Upgrade with: ELECTRON_SKIP_BINARY_DOWNLOAD=1 npm install --save-dev electron@${String(latest)}`
  );
}
