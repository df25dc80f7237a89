import { BlockList, isIP } from "node:net";

/**
 * Which addresses a webhook may reach (SSRF). A target must resolve only to public unicast
 * addresses; everything else is refused unless the operator's allow-list names it (or, in
 * development, it is loopback, so a receiver on the same machine works).
 */
export type AddressClass = "public" | "private" | "loopback" | "link-local" | "unspecified" | "multicast" | "cgnat" | "reserved";

type Range = [network: string, prefix: number];
const RANGES: [AddressClass, "ipv4" | "ipv6", Range[]][] = [
  ["unspecified", "ipv4", [["0.0.0.0", 8]]],
  [
    "private",
    "ipv4",
    [
      ["10.0.0.0", 8],
      ["172.16.0.0", 12],
      ["192.168.0.0", 16],
    ],
  ],
  ["loopback", "ipv4", [["127.0.0.0", 8]]],
  ["link-local", "ipv4", [["169.254.0.0", 16]]], // cloud metadata (169.254.169.254) included
  ["cgnat", "ipv4", [["100.64.0.0", 10]]],
  ["multicast", "ipv4", [["224.0.0.0", 4]]],
  // IETF protocol assignments, documentation, benchmarking, reserved and broadcast.
  [
    "reserved",
    "ipv4",
    [
      ["192.0.0.0", 24],
      ["192.0.2.0", 24],
      ["198.18.0.0", 15],
      ["198.51.100.0", 24],
      ["203.0.113.0", 24],
      ["240.0.0.0", 4],
    ],
  ],
  ["unspecified", "ipv6", [["::", 128]]],
  ["loopback", "ipv6", [["::1", 128]]],
  ["link-local", "ipv6", [["fe80::", 10]]],
  [
    "private",
    "ipv6",
    [
      ["fc00::", 7],
      ["fec0::", 10],
    ],
  ], // unique local; deprecated site-local
  ["multicast", "ipv6", [["ff00::", 8]]],
  // IPv4-compatible (deprecated), discard-only, documentation, 6to4 and Teredo (tunnels to any IPv4).
  [
    "reserved",
    "ipv6",
    [
      ["::", 96],
      ["100::", 64],
      ["2001:db8::", 32],
      ["2002::", 16],
      ["2001::", 32],
    ],
  ],
];

const LISTS = RANGES.map(([cls, type, ranges]) => {
  const list = new BlockList();
  for (const [net, prefix] of ranges) list.addSubnet(net, prefix, type);
  return { cls, type, list };
});

/** The IPv4 address an IPv4-mapped (`::ffff:a.b.c.d`) or NAT64 (`64:ff9b::a.b.c.d`) address stands for. */
export function embeddedIpv4(ip: string): string | null {
  const m = /^(?:::ffff:(?:0:)?|64:ff9b::)(.+)$/i.exec(ip);
  if (!m) return null;
  const tail = m[1]!;
  if (isIP(tail) === 4) return tail;
  const hex = /^([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(tail);
  if (!hex) return null;
  const [hi, lo] = [parseInt(hex[1]!, 16), parseInt(hex[2]!, 16)];
  return [hi >> 8, hi & 255, lo >> 8, lo & 255].join(".");
}

/** The class of an IP address (v4 or v6; mapped and NAT64 addresses by the IPv4 they carry). */
export function classifyAddress(ip: string): AddressClass {
  const bare = ip.replace(/^\[|\]$/g, "").replace(/%.*$/, "");
  const v4 = isIP(bare) === 6 ? embeddedIpv4(bare) : null;
  const address = v4 ?? bare;
  const type = isIP(address) === 4 ? "ipv4" : isIP(address) === 6 ? "ipv6" : null;
  if (!type) throw new Error(`not an IP address: ${ip}`);
  for (const { cls, type: t, list } of LISTS) if (t === type && list.check(address, type)) return cls;
  return "public";
}

export type AddressPolicyOptions = {
  /** Operator allow-list: CIDRs (`10.1.0.0/16`, `fd00::/8`), single addresses or host names. */
  allow?: readonly string[];
  /** Loopback targets allowed (the development profile). */
  allowLoopback?: boolean;
};

export type AddressPolicy = {
  /** True when a connection to this address is allowed. */
  allowsAddress(ip: string): boolean;
  /** True when the host name is on the allow-list (any address it resolves to is then allowed). */
  allowsHost(host: string): boolean;
};

/** Parses the allow-list; throws on an entry that is neither a CIDR, an address nor a host name. */
export function createAddressPolicy(opts: AddressPolicyOptions = {}): AddressPolicy {
  const allowed = new BlockList();
  const hosts = new Set<string>();
  for (const raw of opts.allow ?? []) {
    const entry = raw.trim().toLowerCase();
    if (!entry) continue;
    const [net, bits] = entry.split("/");
    const type = isIP(net ?? "");
    if (type) {
      const prefix = bits === undefined ? (type === 4 ? 32 : 128) : Number(bits);
      if (!Number.isInteger(prefix) || prefix < 0 || prefix > (type === 4 ? 32 : 128)) throw new Error(`bad CIDR in allow-list: ${raw}`);
      allowed.addSubnet(net!, prefix, type === 4 ? "ipv4" : "ipv6");
    } else if (/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/.test(entry) && bits === undefined) {
      hosts.add(entry);
    } else {
      throw new Error(`bad allow-list entry (CIDR, address or host name): ${raw}`);
    }
  }
  const inList = (ip: string) => {
    const v4 = isIP(ip) === 6 ? embeddedIpv4(ip) : null;
    const address = v4 ?? ip;
    return allowed.check(address, isIP(address) === 4 ? "ipv4" : "ipv6") || (v4 !== null && allowed.check(ip, "ipv6"));
  };
  return {
    allowsAddress(ip) {
      const cls = classifyAddress(ip);
      if (cls === "public") return true;
      if (cls === "loopback" && opts.allowLoopback) return true;
      return inList(ip.replace(/^\[|\]$/g, "").replace(/%.*$/, ""));
    },
    allowsHost: (host) => hosts.has(host.toLowerCase().replace(/\.$/, "")),
  };
}
