/**
 * The licence policy: which SPDX licences what we build, install or run may carry, and a
 * verdict for an SPDX expression (`MIT`, `(MIT OR GPL-3.0)`, `Apache-2.0 WITH LLVM-exception`).
 */

/**
 * Permissive licences (CC-BY-4.0 for data packages such as caniuse-lite; Zlib and WTFPL, both
 * permissive with no copyleft, for pako and yaml-js in Artillery's tree).
 */
export const ALLOWED = new Set([
  "MIT",
  "MIT-0",
  "Apache-2.0",
  "BSD-2-Clause",
  "BSD-3-Clause",
  "ISC",
  "MPL-2.0",
  "BlueOak-1.0.0",
  "0BSD",
  "CC0-1.0",
  "Unlicense",
  "Python-2.0",
  "CC-BY-4.0",
  "Zlib",
  "WTFPL",
]);

/**
 * Debian packages scripts/toolchain.sh installs run as programs of their own (ffmpeg, sox,
 * chromium) or are data (speech models): GPL-2.0 and LGPL-2.x bind what links them, which nothing
 * of ours does, so they are allowed there too (Debian builds ffmpeg with GPL-2+ parts). GPL-3.0,
 * AGPL and SSPL stay forbidden everywhere.
 */
export const DEBIAN_ALLOWED = new Set([
  ...ALLOWED,
  "Zlib",
  "LicenseRef-public-domain",
  "LGPL-2.0-only",
  "LGPL-2.0-or-later",
  "LGPL-2.1-only",
  "LGPL-2.1-or-later",
  "GPL-2.0-only",
  "GPL-2.0-or-later",
]);

/**
 * Debian data packages allowed two licences more, by name: Asterisk's recorded prompts (voices for
 * the diarization bench), CC-BY-SA-3.0 for Allison Smith's and June Wallack's, CC-BY-3.0 for the
 * Russian and Italian ones. The bench reads them and cuts, resamples and mixes them in its
 * temporary directory; nothing of them is distributed. Any other package with these licences
 * still fails.
 */
export const DEBIAN_DATA: { name: RegExp; licences: string[] }[] = [{ name: /^asterisk-core-sounds-[a-z]{2}-g722$/, licences: ["CC-BY-SA-3.0", "CC-BY-3.0"] }];

/** Never allowed, not even through the exceptions file: strong network copyleft and its kin. */
export const FORBIDDEN = [/^AGPL/i, /^GPL-3/i, /^SSPL/i, /^BUSL/i];

export type Verdict = "allowed" | "forbidden" | "unknown";

// Spellings seen in package.json files that mean an SPDX id unambiguously.
const ALIASES: Record<string, string> = {
  "apache 2.0": "Apache-2.0",
  apache2: "Apache-2.0",
  "apache-2": "Apache-2.0",
  "apache license 2.0": "Apache-2.0",
  "mit/x11": "MIT",
  "bsd-3": "BSD-3-Clause",
  "bsd-2": "BSD-2-Clause",
  "blueoak-1.0": "BlueOak-1.0.0",
};

const normalise = (id: string) => ALIASES[id.toLowerCase()] ?? id;

function verdictOfId(raw: string, allowed: ReadonlySet<string> = ALLOWED): Verdict {
  const id = normalise(raw.replace(/\+$/, ""));
  if (FORBIDDEN.some((re) => re.test(id))) return "forbidden";
  return allowed.has(id) ? "allowed" : "unknown";
}

const rank: Record<Verdict, number> = { forbidden: 0, unknown: 1, allowed: 2 };
const best = (a: Verdict, b: Verdict) => (rank[a] >= rank[b] ? a : b);
const worst = (a: Verdict, b: Verdict) => (rank[a] <= rank[b] ? a : b);

/**
 * Verdict for an SPDX expression: `OR` takes the better side (we may choose it), `AND` the worse
 * (both apply), `WITH <exception>` that of the licence it qualifies. Anything unparsable is unknown.
 * `allowed` is the policy's allow-list (DEBIAN_ALLOWED for Debian packages).
 */
export function verdictOf(expression: string | undefined, allowed: ReadonlySet<string> = ALLOWED): Verdict {
  if (!expression) return "unknown";
  const tokens = expression.match(/\(|\)|[^\s()]+/g) ?? [];
  let pos = 0;
  const peek = () => tokens[pos];
  const primary = (): Verdict => {
    const t = tokens[pos++];
    if (t === undefined) throw new Error("unexpected end");
    if (t === "(") {
      const v = or();
      if (tokens[pos++] !== ")") throw new Error("missing )");
      return v;
    }
    if (/^(AND|OR|WITH|\))$/i.test(t)) throw new Error(`unexpected ${t}`);
    if (peek()?.toUpperCase() === "WITH") pos += 2; // the exception only widens what the licence allows
    return verdictOfId(t, allowed);
  };
  const and = (): Verdict => {
    let v = primary();
    while (peek()?.toUpperCase() === "AND") {
      pos++;
      v = worst(v, primary());
    }
    return v;
  };
  const or = (): Verdict => {
    let v = and();
    while (peek()?.toUpperCase() === "OR") {
      pos++;
      v = best(v, and());
    }
    return v;
  };
  try {
    const v = or();
    return pos === tokens.length ? v : "unknown";
  } catch {
    return "unknown";
  }
}

/**
 * The SPDX ids a licence file's text states, recognised by the sentences each licence is known
 * by. A file naming several (dual licensing, bundled notices) yields several; none is unknown.
 */
export function licencesInText(text: string): string[] {
  // One line, without Markdown quote markers ("> Redistribution and use ...").
  const t = text.replace(/^[ \t]*>[ \t]?/gm, "").replace(/\s+/g, " ");
  const found: string[] = [];
  const has = (re: RegExp) => re.test(t);
  // Copyleft by the title of the licence text (upper case, with its version and date) or by the
  // usual notice. A bare mention does not count: MPL-2.0 names the GPL family as "Secondary Licenses".
  if (has(/GNU AFFERO GENERAL PUBLIC LICENSE Version 3/) || has(/under the terms of the GNU Affero General Public License/i)) found.push("AGPL-3.0");
  if (has(/Server Side Public License VERSION 1/i) || has(/under the terms of the Server Side Public License/i)) found.push("SSPL-1.0");
  if (has(/^Business Source License 1\.1|\bLicense text copyright .* Business Source License/)) found.push("BUSL-1.1");
  if (has(/GNU LESSER GENERAL PUBLIC LICENSE Version/)) found.push("LGPL");
  if (
    has(/GNU GENERAL PUBLIC LICENSE Version 3/) ||
    has(/under the terms of the GNU General Public License as published by the Free Software Foundation[,;] either version 3/i)
  )
    found.push("GPL-3.0");
  else if (has(/GNU GENERAL PUBLIC LICENSE Version 2/)) found.push("GPL-2.0");
  if (has(/Apache License,? Version 2\.0/i) || has(/Licensed under the Apache License, Version 2\.0/i)) found.push("Apache-2.0");
  if (has(/Mozilla Public License,? (Version|v\.?) ?2\.0/i)) found.push("MPL-2.0");
  if (has(/Permission is hereby granted, free of charge, to any person obtaining a copy/i)) found.push("MIT");
  if (has(/Permission to use, copy, modify, and\/?or distribute this software for any purpose with or without fee is hereby granted/i)) {
    found.push(has(/provided that the above copyright notice and this permission notice appear in all copies/i) ? "ISC" : "0BSD");
  }
  if (has(/Redistribution and use in source and binary forms, with or without modification, are permitted/i)) {
    found.push(has(/Neither the name|names of (its|the) contributors may be used|name of the copyright holder nor/i) ? "BSD-3-Clause" : "BSD-2-Clause");
  }
  if (has(/This is free and unencumbered software released into the public domain/i)) found.push("Unlicense");
  if (has(/CC0 1\.0 Universal/i)) found.push("CC0-1.0");
  if (has(/Blue Oak Model License/i)) found.push("BlueOak-1.0.0");
  return found;
}

/**
 * A licence file's text as one expression: the licences it names, joined with AND when a
 * copyleft licence is among them (a bundled notice binds too), else with OR (dual licences).
 */
export function expressionOfTexts(texts: string[]): string | undefined {
  const ids = [...new Set(texts.flatMap(licencesInText))];
  if (ids.length === 0) return undefined;
  return ids.some((id) => verdictOfId(id) !== "allowed") ? ids.join(" AND ") : ids.join(" OR ");
}
