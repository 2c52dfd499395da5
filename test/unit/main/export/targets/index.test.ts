import { describe, expect, it } from 'vitest';

import { exporterFor } from '../../../../../main/export/targets/index.ts';
import {
  EXPORT_TARGET_IDS,
  EXPORT_TARGET_TITLES,
} from '../../../../../shared/export/export-targets.ts';

describe('exporterFor', () => {
  it.each(EXPORT_TARGET_IDS)('has an exporter for %s, titled by its own id', (id) => {
    const exporter = exporterFor(id);
    expect(exporter?.id).toBe(id);
    expect(exporter?.title).toBe(EXPORT_TARGET_TITLES[id]);
  });
});
