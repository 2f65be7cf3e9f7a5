#!/usr/bin/env node
// Resolves an SFDX source tree with Salesforce's source-deploy-retrieve library and converts it
// to Metadata API format, offline, the way `sf project deploy` would before uploading. A tree it
// cannot resolve or convert will not deploy. Prints the components by type; exits 1 on any error.
// Usage: node convert-source.js SOURCE_DIR [OUTPUT_DIR]
"use strict";
const fs = require("fs");
const os = require("os");
const path = require("path");
const { ComponentSet, MetadataConverter } = require("@salesforce/source-deploy-retrieve");

async function main() {
  const [source, output] = process.argv.slice(2);
  if (!source) {
    console.error("usage: node convert-source.js SOURCE_DIR [OUTPUT_DIR]");
    process.exit(2);
  }
  if (!fs.existsSync(source)) {
    console.error(`convert-source: ${source} does not exist`);
    process.exit(2);
  }
  const components = ComponentSet.fromSource(path.resolve(source));
  const list = components.getSourceComponents().toArray();
  if (list.length === 0) {
    console.error(`convert-source: no metadata components under ${source}`);
    process.exit(1);
  }
  const counts = {};
  for (const component of list) {
    counts[component.type.name] = (counts[component.type.name] || 0) + 1;
    for (const child of component.getChildren()) {
      counts[child.type.name] = (counts[child.type.name] || 0) + 1;
    }
  }
  const target = output ? path.resolve(output) : fs.mkdtempSync(path.join(os.tmpdir(), "sfpay-mdapi-"));
  try {
    const result = await new MetadataConverter().convert(components, "metadata", {
      type: "directory",
      outputDirectory: target,
      genUniqueDir: false,
    });
    const packageXml = path.join(result.packagePath || target, "package.xml");
    if (!fs.existsSync(packageXml)) throw new Error(`no package.xml written to ${target}`);
    for (const [type, count] of Object.entries(counts).sort()) console.log(`${type}: ${count}`);
    console.log(`source-deploy-retrieve: converted ${list.length} component(s) to Metadata API format${output ? ` in ${target}` : ""}`);
  } finally {
    if (!output) fs.rmSync(target, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(`convert-source: ${error && error.message ? error.message : error}`);
  process.exit(1);
});
