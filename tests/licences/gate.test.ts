import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkLicences, type LicenceException } from "./gate.ts";
import type { Component } from "./scan.ts";
import { declaredLicence, npmTree } from "./scan.ts";
import { expressionOfTexts, verdictOf } from "./spdx.ts";

const npm = (name: string, licence: string | undefined): Component => ({ ecosystem: "npm", name, version: "1.0.0", licence, via: "test" });
const go = (name: string, licence: string | undefined): Component => ({ ecosystem: "go", name, version: "v1.0.0", licence, via: "some-tool" });

describe("SPDX verdicts", () => {
  it.each([
    ["MIT", "allowed"],
    ["Apache-2.0", "allowed"],
    ["BSD-3-Clause", "allowed"],
    ["BlueOak-1.0.0", "allowed"],
    ["(MIT OR GPL-3.0-or-later)", "allowed"],
    ["MIT OR Apache-2.0", "allowed"],
    ["(MIT AND Zlib)", "allowed"],
    ["WTFPL", "allowed"],
    ["(MIT AND LGPL-2.1)", "unknown"],
    ["(MIT AND CC-BY-4.0)", "allowed"],
    ["Apache-2.0 WITH LLVM-exception", "allowed"],
    ["AGPL-3.0", "forbidden"],
    ["AGPL-3.0-only", "forbidden"],
    ["GPL-3.0-or-later", "forbidden"],
    ["GPL-3.0+", "forbidden"],
    ["SSPL-1.0", "forbidden"],
    ["BUSL-1.1", "forbidden"],
    ["(MIT AND AGPL-3.0)", "forbidden"],
    ["(AGPL-3.0 OR SSPL-1.0)", "forbidden"],
    ["GPL-2.0", "unknown"],
    ["LGPL-3.0", "unknown"],
    ["SEE LICENSE IN LICENSE.txt", "unknown"],
    ["UNLICENSED", "unknown"],
    ["", "unknown"],
    ["(MIT", "unknown"],
  ])("%s is %s", (expression, verdict) => {
    expect(verdictOf(expression)).toBe(verdict);
  });

  it("reads legacy package.json licence fields", () => {
    expect(declaredLicence({ license: { type: "MIT" } })).toBe("MIT");
    expect(declaredLicence({ licenses: [{ type: "MIT" }, { type: "Apache-2.0" }] })).toBe("(MIT OR Apache-2.0)");
    expect(declaredLicence({})).toBeUndefined();
  });

  it("recognises licence texts, copyleft bundled in a file binding too", () => {
    expect(expressionOfTexts(["Apache License\n  Version 2.0, January 2004"])).toBe("Apache-2.0");
    expect(expressionOfTexts(["Permission is hereby granted, free of charge, to any person obtaining a copy of this"])).toBe("MIT");
    expect(expressionOfTexts(["GNU AFFERO GENERAL PUBLIC LICENSE\nVersion 3, 19 November 2007"])).toBe("AGPL-3.0");
    expect(verdictOf(expressionOfTexts(["Apache License, Version 2.0", "GNU GENERAL PUBLIC LICENSE\n Version 3, 29 June 2007"]))).toBe("forbidden");
    expect(expressionOfTexts(["Server Side Public License\nVERSION 1"])).toBe("SSPL-1.0");
    expect(expressionOfTexts(["all rights reserved"])).toBeUndefined();
    // MPL-2.0 names the GPL family as "Secondary Licenses": a mention is not the licence.
    expect(expressionOfTexts(["Mozilla Public License Version 2.0 ... the GNU Affero General Public License, Version 3.0, or any later versions"])).toBe(
      "MPL-2.0",
    );
    expect(expressionOfTexts(["> Redistribution and use in source and binary forms, with or without\n> modification, are permitted provided"])).toBe(
      "BSD-2-Clause",
    );
  });
});

describe("the gate", () => {
  it.each([
    [npm("some-agpl-server", "AGPL-3.0-only"), /some-agpl-server@1\.0\.0 .*forbidden licence AGPL-3\.0-only/],
    [npm("some-gpl3-tool", "GPL-3.0"), /some-gpl3-tool@1\.0\.0 .*forbidden licence GPL-3\.0/],
    [go("example.com/sspl-db", "SSPL-1.0"), /example\.com\/sspl-db@v1\.0\.0 .*some-tool.*forbidden licence SSPL-1\.0/],
  ])("fails %s by name", (component, message) => {
    const failures = checkLicences([npm("fine", "MIT"), component], []);
    expect(failures.map((f) => f.problem)).toEqual([expect.stringMatching(message)]);
  });

  it("fails a forbidden licence even when an exception names the package", () => {
    const exception: LicenceException = { ecosystem: "npm", name: "some-agpl-server", licence: "MIT", reason: "wishful" };
    expect(checkLicences([npm("some-agpl-server", "AGPL-3.0")], [exception])).toHaveLength(1);
  });

  it("fails an unknown licence unless a reviewed exception names an allowed one", () => {
    const odd = npm("odd", "SEE LICENSE IN LICENSE");
    expect(checkLicences([odd], [])[0]!.problem).toMatch(/odd@1\.0\.0 .*not on the allow-list/);
    expect(checkLicences([odd], [{ ecosystem: "npm", name: "odd", licence: "MIT", reason: "LICENSE is the MIT text" }])).toEqual([]);
    expect(checkLicences([odd], [{ ecosystem: "npm", name: "odd", licence: "GPL-2.0", reason: "x" }])[0]!.problem).toMatch(/not allowed/);
    expect(checkLicences([odd], [{ ecosystem: "npm", name: "odd", version: "2.0.0", licence: "MIT", reason: "other version" }])).toHaveLength(1);
    expect(checkLicences([npm("none", undefined)], [])[0]!.problem).toMatch(/licence not found/);
  });
});

describe("an npm-installed tool's tree", () => {
  it("finds nested packages, reads licence files a declaration points to, and skips build markers", () => {
    const root = mkdtempSync(join(tmpdir(), "mp4t-npmtree-"));
    const pkg = (dir: string, json: object, licenceText?: string) => {
      mkdirSync(join(root, "node_modules", dir), { recursive: true });
      writeFileSync(join(root, "node_modules", dir, "package.json"), JSON.stringify(json));
      if (licenceText) writeFileSync(join(root, "node_modules", dir, "LICENSE.txt"), licenceText);
    };
    try {
      pkg("tool", { name: "tool", version: "2.0.0", license: "MPL-2.0" });
      pkg("tool/dist/plugin", { name: "plugin", version: "1.0.0", license: "SEE LICENSE IN LICENSE.txt" }, "Mozilla Public License, version 2.0");
      pkg("client", { name: "client", version: "4.8.4", license: "MIT" });
      pkg("client/build/esm", { name: "client", version: "4.8.4", type: "module" });
      pkg("tool/node_modules/bad", { name: "bad", version: "0.1.0", license: "AGPL-3.0-only" });
      pkg("tool/test/fixture", { type: "module" });
      const found = npmTree(root, "tool");
      expect(found.map((c) => `${c.name}@${c.version} ${c.licence}`).sort()).toEqual([
        "bad@0.1.0 AGPL-3.0-only",
        "client@4.8.4 MIT",
        "client@4.8.4 MIT",
        "plugin@1.0.0 MPL-2.0",
        "tool@2.0.0 MPL-2.0",
      ]);
      expect(checkLicences(found, []).map((f) => f.problem)).toEqual([expect.stringMatching(/^bad@0\.1\.0 .*forbidden licence AGPL-3\.0-only/)]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
