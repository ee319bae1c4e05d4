// node validate-sbom.mjs cyclonedx|spdx|sarif FILE NODE_MODULES SCHEMA_DIR — see validate-sbom.sh.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const [format, file, modules, schemaDir] = process.argv.slice(2);
const require = createRequire(join(modules, 'noop.js'));
const readJson = (path) => JSON.parse(readFileSync(path, 'utf8'));
const addFormats = require('ajv-formats');
const addDraft2019Formats = require('ajv-formats-draft2019');

function cyclonedxValidator() {
  // draft-07; bom-1.5 refers to its two companions by these relative names.
  const Ajv = require('ajv');
  const dir = join(modules, '@cyclonedx', 'cyclonedx-library', 'res', 'schema');
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  addDraft2019Formats(ajv);  // idn-email and iri-reference, which bom-1.5 uses
  const base = 'http://cyclonedx.org/schema/';
  for (const name of ['spdx.SNAPSHOT.schema.json', 'jsf-0.82.SNAPSHOT.schema.json']) {
    ajv.addSchema({ ...readJson(join(dir, name)), $id: base + name });
  }
  return ajv.compile(readJson(join(dir, 'bom-1.5.SNAPSHOT.schema.json')));
}

function spdxValidator() {
  const Ajv2019 = require('ajv/dist/2019').default;
  const ajv = new Ajv2019({ strict: false, allErrors: true });
  addFormats(ajv);
  return ajv.compile(readJson(join(schemaDir, 'spdx-2.3.schema.json')));
}

function sarifValidator() {
  // draft-04 (SARIF's schema predates draft-07), self-contained.
  const Ajv04 = require('ajv-draft-04');
  // unicodeRegExp off: the schema's pattern for run.language has a stray ']' that only
  // non-Unicode regular expressions accept.
  const ajv = new Ajv04({ strict: false, allErrors: true, unicodeRegExp: false });
  addFormats(ajv);
  return ajv.compile(readJson(join(modules, '@microsoft', 'jest-sarif', 'lib', 'schemas', 'sarif-2.1.0-rtm.5.json')));
}

const validators = { cyclonedx: cyclonedxValidator, spdx: spdxValidator, sarif: sarifValidator };
const validate = validators[format]();
const document = readJson(file);
if (validate(document)) {
  console.log(`${file}: valid ${format}`);
  process.exit(0);
}
for (const error of validate.errors) {
  console.log(`${file}: ${error.instancePath || '/'} ${error.message} ${JSON.stringify(error.params)}`);
}
process.exit(1);
