import { describe, expect, it } from "vitest";
import { classifyAddress, createAddressPolicy, embeddedIpv4 } from "./address-policy.ts";

describe("classifyAddress", () => {
  it.each([
    ["8.8.8.8", "public"],
    ["1.1.1.1", "public"],
    ["2606:4700:4700::1111", "public"],
    ["172.32.0.1", "public"],
    ["100.128.0.1", "public"],
    ["10.0.0.1", "private"],
    ["172.16.5.4", "private"],
    ["172.31.255.255", "private"],
    ["192.168.1.1", "private"],
    ["fc00::1", "private"],
    ["fd12:3456::1", "private"],
    ["127.0.0.1", "loopback"],
    ["127.255.0.9", "loopback"],
    ["::1", "loopback"],
    ["169.254.169.254", "link-local"],
    ["169.254.0.1", "link-local"],
    ["fe80::1", "link-local"],
    ["fe80::1%eth0", "link-local"],
    ["0.0.0.0", "unspecified"],
    ["::", "unspecified"],
    ["224.0.0.1", "multicast"],
    ["239.1.2.3", "multicast"],
    ["ff02::1", "multicast"],
    ["100.64.0.1", "cgnat"],
    ["100.127.255.254", "cgnat"],
    ["255.255.255.255", "reserved"],
    ["192.0.2.10", "reserved"],
    ["2001:db8::1", "reserved"],
    ["::10.0.0.1", "reserved"],
  ])("%s is %s", (ip, cls) => {
    expect(classifyAddress(ip)).toBe(cls);
  });

  it("classifies IPv4-mapped and NAT64 IPv6 addresses by the IPv4 address they carry", () => {
    expect(classifyAddress("::ffff:127.0.0.1")).toBe("loopback");
    expect(classifyAddress("::ffff:7f00:1")).toBe("loopback");
    expect(classifyAddress("::ffff:169.254.169.254")).toBe("link-local");
    expect(classifyAddress("::ffff:a00:1")).toBe("private");
    expect(classifyAddress("64:ff9b::10.1.2.3")).toBe("private");
    expect(classifyAddress("::ffff:8.8.8.8")).toBe("public");
    expect(classifyAddress("[::ffff:192.168.0.1]")).toBe("private");
    expect(embeddedIpv4("::ffff:c0a8:101")).toBe("192.168.1.1");
    expect(embeddedIpv4("2001:db8::1")).toBeNull();
  });

  it("refuses what is not an address", () => {
    expect(() => classifyAddress("example.com")).toThrow(/not an IP address/);
  });
});

describe("createAddressPolicy", () => {
  it("allows public addresses only, by default", () => {
    const p = createAddressPolicy();
    expect(p.allowsAddress("8.8.8.8")).toBe(true);
    for (const ip of ["10.0.0.1", "127.0.0.1", "::1", "169.254.169.254", "::ffff:127.0.0.1", "100.64.0.1", "0.0.0.0", "fe80::1"]) {
      expect(p.allowsAddress(ip), ip).toBe(false);
    }
  });

  it("allows loopback in development, and only loopback", () => {
    const p = createAddressPolicy({ allowLoopback: true });
    expect(p.allowsAddress("127.0.0.1")).toBe(true);
    expect(p.allowsAddress("::1")).toBe(true);
    expect(p.allowsAddress("::ffff:127.0.0.1")).toBe(true);
    expect(p.allowsAddress("10.0.0.1")).toBe(false);
    expect(p.allowsAddress("169.254.169.254")).toBe(false);
  });

  it("allows the operator's CIDRs, addresses and host names", () => {
    const p = createAddressPolicy({ allow: ["10.1.0.0/16", " 192.168.7.7 ", "fd00::/8", "Hooks.Internal"] });
    expect(p.allowsAddress("10.1.200.3")).toBe(true);
    expect(p.allowsAddress("::ffff:10.1.0.9")).toBe(true);
    expect(p.allowsAddress("10.2.0.1")).toBe(false);
    expect(p.allowsAddress("192.168.7.7")).toBe(true);
    expect(p.allowsAddress("192.168.7.8")).toBe(false);
    expect(p.allowsAddress("fd00::5")).toBe(true);
    expect(p.allowsHost("hooks.internal")).toBe(true);
    expect(p.allowsHost("hooks.internal.")).toBe(true);
    expect(p.allowsHost("other.internal")).toBe(false);
  });

  it("refuses a malformed allow-list entry", () => {
    expect(() => createAddressPolicy({ allow: ["10.0.0.0/33"] })).toThrow(/bad CIDR/);
    expect(() => createAddressPolicy({ allow: ["http://x"] })).toThrow(/bad allow-list entry/);
  });
});
