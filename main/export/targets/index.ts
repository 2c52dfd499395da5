import type { ExportTargetId } from '../../../shared/export/export-targets.ts';
import type { Exporter } from '../exporter.ts';
import { argocdExporter } from './argocd.ts';
import { authjsExporter } from './authjs.ts';
import { dotenvExporter } from './dotenv.ts';
import { giteaExporter } from './gitea.ts';
import { gitlabExporter } from './gitlab.ts';
import { grafanaExporter } from './grafana.ts';
import { harborExporter } from './harbor.ts';
import { jenkinsExporter } from './jenkins.ts';
import { jsonExporter } from './json.ts';
import { jupyterhubExporter } from './jupyterhub.ts';
import { kaimuExporter } from './kaimu.ts';
import { kestraExporter } from './kestra.ts';
import { oauth2ProxyExporter } from './oauth2-proxy.ts';
import { oktaEnvExporter } from './okta-env.ts';
import { outlineExporter } from './outline.ts';
import { springBootExporter } from './spring-boot.ts';
import { terraformExporter } from './terraform.ts';
import { vaultExporter } from './vault.ts';

/**
 * Every exporter, by target id, in the catalogue's order (Kestra and Kaimu first).
 *
 * @remarks
 * One module per target; adding a target is one import and one entry here plus its id in
 * `shared/export/export-targets.ts`.
 */
const EXPORTERS: readonly Exporter[] = [
  kestraExporter,
  kaimuExporter,
  oktaEnvExporter,
  dotenvExporter,
  jsonExporter,
  springBootExporter,
  grafanaExporter,
  argocdExporter,
  oauth2ProxyExporter,
  authjsExporter,
  gitlabExporter,
  vaultExporter,
  outlineExporter,
  jenkinsExporter,
  giteaExporter,
  harborExporter,
  jupyterhubExporter,
  terraformExporter,
];

/** The exporter for `id`, or `undefined` when none is registered yet. */
export function exporterFor(id: ExportTargetId): Exporter | undefined {
  return EXPORTERS.find((exporter) => exporter.id === id);
}

/** All registered exporters, in catalogue order. */
export function allExporters(): readonly Exporter[] {
  return EXPORTERS;
}
