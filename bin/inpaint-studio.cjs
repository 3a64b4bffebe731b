#!/usr/bin/env node
'use strict';
const path = require('node:path');
const fs = require('node:fs');
const entry = path.join(__dirname, '..', 'dist', 'main', 'cli.cjs');
if (!fs.existsSync(entry)) {
  console.error('inpaint-studio: the app is not built yet; run `npm run build` in ' + path.dirname(__dirname));
  process.exit(1);
}
require(entry);
