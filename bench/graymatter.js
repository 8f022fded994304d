#!/usr/bin/env node
// Baseline for the agentconv benchmark: md -> json with gray-matter.
//
// usage: node bench/graymatter.js IN_DIR OUT_DIR
//
// Reads every *.md file under IN_DIR (recursively) with gray-matter and
// writes one JSON file per input under OUT_DIR, mirroring the tree the way
// agentconv's batch mode does (`x.md` -> `x.json`, `x.agent.md` ->
// `x.agent.json`): the front matter's fields, then "instructions" holding
// the markdown body, indented by 2 spaces, with a final newline.
//
// It is written as a careful developer would write such a script: plain
// synchronous file calls (one thread, as a Node.js script runs), nothing
// cached between files. A file that fails is reported on stderr and the
// others go on; the exit status is then 1.
//
// Prints nothing else. Needs `npm ci` in bench/ (gray-matter in
// bench/node_modules).
'use strict';

const fs = require('fs');
const path = require('path');
const matter = require('gray-matter');

function main(argv) {
  if (argv.length !== 2) {
    process.stderr.write('usage: node graymatter.js IN_DIR OUT_DIR\n');
    return 2;
  }
  const [inDir, outDir] = argv;
  let failed = 0;

  // Depth-first walk in sorted order; symbolic links are not followed.
  function walk(rel) {
    const entries = fs.readdirSync(path.join(inDir, rel), { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    let madeDir = false;
    for (const entry of entries) {
      const relPath = path.join(rel, entry.name);
      if (entry.isDirectory()) {
        walk(relPath);
      } else if (entry.isFile() && entry.name.endsWith('.md')) {
        if (!madeDir) {
          fs.mkdirSync(path.join(outDir, rel), { recursive: true });
          madeDir = true;
        }
        try {
          convert(relPath);
        } catch (err) {
          process.stderr.write(`${path.join(inDir, relPath)}: ${err.message}\n`);
          failed++;
        }
      }
    }
  }

  function convert(relPath) {
    const text = fs.readFileSync(path.join(inDir, relPath), 'utf8');
    // An options object (even empty) turns off gray-matter's module-level
    // cache, which would otherwise keep every file's text for the life of
    // the process: no file is read twice here, so it could only cost.
    const file = matter(text, {});
    const agent = Object.assign({}, file.data, { instructions: file.content });
    const outPath = path.join(outDir, relPath.slice(0, -'.md'.length) + '.json');
    fs.writeFileSync(outPath, JSON.stringify(agent, null, 2) + '\n');
  }

  fs.mkdirSync(outDir, { recursive: true });
  walk('');
  return failed ? 1 : 0;
}

process.exitCode = main(process.argv.slice(2));
