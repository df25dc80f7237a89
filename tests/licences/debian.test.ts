import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { aptPackageNames, copyrightLicence, debianComponents, debianToSpdx, dep5WholePackageLicence } from "./debian.ts";
import { checkLicences } from "./gate.ts";
import type { Component } from "./scan.ts";

const dir = mkdtempSync(join(tmpdir(), "mp4t-licences-debian-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const dep5 = (wholeLicence: string, more = "") => `Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: example
Source: https://example.org

Files: *
Copyright: 2001-2020 Someone
License: ${wholeLicence}

${more}License: GPL-3+
 This program is free software: you can redistribute it ...
`;

const GPL3_NOTICE = `This package was debianized by someone.

   This package is free software; you can redistribute it and/or modify
   it under the terms of the GNU General Public License as published by
   the Free Software Foundation; either version 3 of the License, or
   (at your option) any later version.
`;

describe("Debian copyright files", () => {
  it("reads APT_PACKAGES and its test-tool additions from the toolchain script", () => {
    const script = join(dir, "toolchain.sh");
    writeFileSync(script, 'APT_PACKAGES=(ffmpeg pocketsphinx)\n[ "$T" = 1 ] && APT_PACKAGES+=(sox  espeak-ng\n  chromium)\n');
    expect(aptPackageNames(script)).toEqual(["ffmpeg", "pocketsphinx", "sox", "espeak-ng", "chromium"]);
  });

  it("takes the License of the Files: * paragraph, not of single files", () => {
    expect(dep5WholePackageLicence(dep5("LGPL-2.1+", "Files: doc/t2h.pm\nCopyright: 2007 X\nLicense: GPL-3+\n\n"))).toBe("LGPL-2.1+");
    // `*` among other patterns, on a continuation line.
    expect(dep5WholePackageLicence(dep5("BSD-2").replace("Files: *", "Files: debian/*\n *"))).toBe("BSD-2");
    expect(dep5WholePackageLicence(dep5("BSD-2").replace("Files: *", "Files: src/*"))).toBeUndefined();
    expect(dep5WholePackageLicence(GPL3_NOTICE)).toBeUndefined();
  });

  it.each([
    ["LGPL-2.1+", "LGPL-2.1-or-later"],
    ["BSD-2", "BSD-2-Clause"],
    ["BSD-3-clause", "BSD-3-Clause"],
    ["Expat", "MIT"],
    ["GPL-2+ or LGPL-2.1+", "(GPL-2.0-or-later OR LGPL-2.1-or-later)"],
    ["LGPL-2.1+ and Expat", "(LGPL-2.1-or-later AND MIT)"],
    ["GPL-2+ with AutoConf exception", "(GPL-2.0-or-later WITH LicenseRef-debian-AutoConf-exception)"],
    ["GPL-3+", "GPL-3.0-or-later"],
    ["AGPL-3", "AGPL-3.0-only"],
    ["Sundry", "LicenseRef-debian-Sundry"],
    ["CC-BY-SA-3.0", "CC-BY-SA-3.0"],
    ["CC-BY-3.0", "CC-BY-3.0"],
    ["public-domain-SCTK", "LicenseRef-public-domain"],
    ["GPL-2", "GPL-2.0-only"],
  ])("spells Debian's %s as %s", (debian, spdx) => {
    expect(debianToSpdx(debian)).toBe(spdx);
  });

  it("recognises a forbidden licence in a free-text file, and nothing else (that takes a review)", () => {
    expect(copyrightLicence(GPL3_NOTICE)).toMatch(/^GPL-3\.0/);
    expect(copyrightLicence("Redistribution and use in source and binary forms, with or without modification, are permitted")).toBeUndefined();
    expect(copyrightLicence(dep5("SSPL-1.0"))).toBe("SSPL-1.0");
  });

  it("allows the packages other branches add to the test tools (sctk, alsa-utils, openssl) as installed here", () => {
    const found = debianComponents(["sctk", "alsa-utils", "openssl"]).filter((c) => c.version !== "not installed");
    expect(found.length, "none of sctk, alsa-utils, openssl is installed").toBeGreaterThan(0);
    for (const c of found) expect(c.licence, c.name).toBeDefined();
    expect(checkLicences(found, [])).toEqual([]);
  });

  it("reads an installed package's copyright file, and marks one that is not installed", () => {
    const docs = join(dir, "doc");
    mkdirSync(join(docs, "dpkg"), { recursive: true });
    writeFileSync(join(docs, "dpkg", "copyright"), dep5("GPL-2+"));
    const [dpkg, missing] = debianComponents(["dpkg", "mp4t-no-such-package"], docs);
    expect(dpkg).toMatchObject({ ecosystem: "debian", name: "dpkg", licence: "GPL-2.0-or-later", version: expect.stringMatching(/^\d/) });
    expect(missing).toMatchObject({ name: "mp4t-no-such-package", version: "not installed", licence: undefined });
  });
});

describe("the gate on Debian packages", () => {
  const deb = (name: string, licence: string | undefined): Component => ({
    ecosystem: "debian",
    name,
    version: "1.0-1",
    licence,
    via: `/usr/share/doc/${name}/copyright`,
  });

  it("allows the toolchain's packages as their copyright files state them", () => {
    const fine = [
      deb("ffmpeg", "LGPL-2.1-or-later"),
      deb("pocketsphinx", "BSD-2-Clause"),
      deb("sox", "(GPL-2.0-or-later OR LGPL-2.1-or-later)"),
      deb("chromium", "BSD-3-Clause"),
      deb("openssl", "Apache-2.0"),
      deb("x", "GPL-2.0-only"),
      deb("y", "(LGPL-2.1-or-later AND MIT)"),
      deb("asterisk-core-sounds-en-g722", "CC-BY-SA-3.0"),
      deb("asterisk-core-sounds-it-g722", "CC-BY-3.0"),
    ];
    expect(checkLicences(fine, [])).toEqual([]);
  });

  it("allows the recordings' Creative Commons licences to the named data packages only", () => {
    const failures = checkLicences([deb("some-program", "CC-BY-SA-3.0"), deb("asterisk-core-sounds-en", "CC-BY-SA-3.0")], []);
    expect(failures.map((f) => f.problem)).toEqual([
      expect.stringMatching(/some-program@.*licence CC-BY-SA-3\.0 is not on the allow-list/),
      expect.stringMatching(/asterisk-core-sounds-en@.*licence CC-BY-SA-3\.0 is not on the allow-list/),
    ]);
  });

  it.each([
    [deb("espeak-ng", "GPL-3.0 AND BSD-2-Clause"), /espeak-ng@1\.0-1 \(debian, .*\): forbidden licence GPL-3\.0/],
    [deb("some-gpl3", "GPL-3.0-only"), /some-gpl3@.*forbidden licence GPL-3\.0-only/],
    [deb("some-agpl", "AGPL-3.0-or-later"), /some-agpl@.*forbidden licence AGPL/],
    [deb("some-sspl", "SSPL-1.0"), /some-sspl@.*forbidden licence SSPL-1\.0/],
  ])("fails %s by name", (component, message) => {
    expect(checkLicences([component], []).map((f) => f.problem)).toEqual([expect.stringMatching(message)]);
  });

  it("the same GPL-2.0 an npm package may not have", () => {
    expect(checkLicences([{ ...deb("gpl2", "GPL-2.0-only"), ecosystem: "npm" }], [])).toHaveLength(1);
  });

  it("takes a free-text file's licence from its review, and fails a review that finds a forbidden one", () => {
    const sctk = deb("sctk", undefined);
    expect(checkLicences([sctk], [])[0]!.problem).toMatch(/sctk@.*licence not found .*no reviewed exception/);
    expect(checkLicences([sctk], [{ ecosystem: "debian", name: "sctk", licence: "LicenseRef-public-domain", reason: "NIST work, public domain" }])).toEqual([]);
    const reviewed = checkLicences([deb("odd", undefined)], [{ ecosystem: "debian", name: "odd", licence: "GPL-3.0-or-later", reason: "GPL v3 notice" }]);
    expect(reviewed.map((f) => f.problem)).toEqual([expect.stringMatching(/odd@.*forbidden licence GPL-3\.0-or-later \(reviewed: GPL v3 notice\)/)]);
  });
});
