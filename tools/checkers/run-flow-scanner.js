#!/usr/bin/env node
// Runs Lightning Flow Scanner (lightning-flow-scanner-core) on every *.flow-meta.xml under the
// given directories with flow-scanner.config.json. Prints one line per violation and exits 1
// when any violation has severity "error" (or when a flow cannot be parsed).
// Usage: node run-flow-scanner.js [--json] DIR...
"use strict";
const fs = require("fs");
const path = require("path");
const { parse, scan, getRules } = require("@flow-scanner/lightning-flow-scanner-core");

function flowFiles(dir) {
  const found = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...flowFiles(full));
    else if (entry.name.endsWith(".flow-meta.xml")) found.push(full);
  }
  return found.sort();
}

function loadConfig() {
  const file = path.join(__dirname, "flow-scanner.config.json");
  const config = JSON.parse(fs.readFileSync(file, "utf8"));
  // Every default rule must be enabled or disabled with a reason: no silent gaps.
  const known = getRules().map((rule) => rule.name);
  const enabled = Object.keys(config.rules || {});
  const disabled = config.disabled || {};
  const problems = [];
  for (const name of known) {
    if (!enabled.includes(name) && !(name in disabled)) problems.push(`rule ${name} is neither enabled nor disabled with a reason`);
  }
  for (const [name, reason] of Object.entries(disabled)) {
    if (enabled.includes(name)) problems.push(`rule ${name} is both enabled and disabled`);
    if (typeof reason !== "string" || reason.trim().length < 20) problems.push(`rule ${name} is disabled without a real justification`);
  }
  const notError = config.not_error || {};
  for (const name of enabled) {
    const severity = (config.rules[name] || {}).severity || "warning";
    const reason = notError[name];
    if (severity !== "error" && (typeof reason !== "string" || reason.trim().length < 20)) {
      problems.push(`rule ${name} runs at severity ${severity} without a reason under not_error`);
    }
  }
  for (const name of [...enabled, ...Object.keys(disabled), ...Object.keys(notError)]) {
    if (!known.includes(name)) problems.push(`rule ${name} is not a rule of this scanner version`);
  }
  if (problems.length) {
    for (const problem of problems) console.error(`${file}: ${problem}`);
    process.exit(2);
  }
  return { rules: config.rules, exceptions: config.exceptions || {} };
}

async function main() {
  const args = process.argv.slice(2);
  const asJson = args.includes("--json");
  const dirs = args.filter((a) => a !== "--json");
  if (!dirs.length) {
    console.error("usage: node run-flow-scanner.js [--json] DIR...");
    process.exit(2);
  }
  const config = loadConfig();
  const files = dirs.flatMap((dir) => flowFiles(dir));
  if (!files.length) {
    console.error(`no *.flow-meta.xml under ${dirs.join(", ")}`);
    process.exit(2);
  }
  const parsed = await parse(files);
  let errors = 0;
  const report = [];
  for (const item of parsed) {
    if (item.errorMessage) {
      errors += 1;
      report.push({ file: item.uri, line: 0, rule: "parse", severity: "error", name: "", message: item.errorMessage });
    }
  }
  for (const result of scan(parsed, config)) {
    const file = result.flow.fsPath || result.flow.uri || result.flow.name;
    for (const rule of result.ruleResults) {
      if (rule.errorMessage) {
        errors += 1;
        report.push({ file, line: 0, rule: rule.ruleName, severity: "error", name: "", message: rule.errorMessage });
      }
      if (!rule.occurs) continue;
      for (const detail of rule.details) {
        if (rule.severity === "error") errors += 1;
        report.push({ file, line: detail.lineNumber, rule: rule.ruleName, severity: rule.severity, name: detail.name, message: rule.ruleDefinition.description || rule.ruleDefinition.label || "" });
      }
    }
  }
  if (asJson) {
    console.log(JSON.stringify({ flows: files.length, errors, violations: report }, null, 2));
  } else {
    for (const v of report) console.log(`${path.relative(process.cwd(), v.file)}:${v.line}: ${v.severity} ${v.rule}: ${v.name}`);
    console.log(`Lightning Flow Scanner: ${files.length} flow(s), ${report.length} violation(s), ${errors} error(s)`);
  }
  process.exit(errors ? 1 : 0);
}

main().catch((error) => {
  console.error(`run-flow-scanner: ${error && error.stack ? error.stack : error}`);
  process.exit(2);
});
