#!/usr/bin/env node
/**
 * The public API as a reviewed artifact: api-extractor's report of each entry, checked in under
 * `etc/` (`livekit-custom-token-react.api.md`, `livekit-custom-token-react-server.api.md`).
 *
 *   node scripts/api-report.mjs           # check (npm test): fails when the API differs from the report
 *   node scripts/api-report.mjs --update  # write the reports (npm run api, which builds the types first)
 *
 * Reads the declarations in `dist/` (`tsc -p tsconfig.build.json`).
 */
import { Extractor, ExtractorConfig } from '@microsoft/api-extractor';
import { existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const update = process.argv.includes('--update');
const configs = ['etc/api-extractor.json', 'etc/api-extractor.server.json'];

let failed = false;
for (const file of configs) {
  const config = ExtractorConfig.loadFileAndPrepare(join(root, file));
  if (!existsSync(config.mainEntryPointFilePath)) {
    console.error(`✗ ${relative(root, config.mainEntryPointFilePath)} is missing: run npm run build (or npm run api) first.`);
    failed = true;
    continue;
  }
  const result = Extractor.invoke(config, { localBuild: update, messageCallback: quietInfo });
  const report = relative(root, config.reportFilePath);
  if (update) {
    console.log(`${result.apiReportChanged ? '✎ updated' : '✓ unchanged'} ${report}`);
  } else if (result.apiReportChanged) {
    console.error(
      `✗ The public API differs from ${report}.\n` +
        `  If the change is meant: npm run api, review the diff of ${report}, and commit it with the change.\n` +
        `  The report as the code is now: ${relative(root, config.reportTempFilePath)}`,
    );
    failed = true;
  } else {
    console.log(`✓ ${report} matches the public API`);
  }
  if (!result.succeeded && !result.apiReportChanged) failed = true;
}
process.exit(failed ? 1 : 0);

/** api-extractor's progress lines ("Analysis will use the bundled TypeScript version…") are noise here; warnings and errors stay. */
function quietInfo(message) {
  if (message.logLevel === 'info' || message.logLevel === 'verbose') message.handled = true;
}
