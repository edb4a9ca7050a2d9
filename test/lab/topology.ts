/**
 * The lab's fixed shape: which namespaces exist, their addresses and the home routers' nftables rules.
 * Pure data and text, no side effects: `netns.ts` turns it into namespaces, docs/lab.md describes it.
 */

/** Every namespace of a lab, by role. `inet` holds the "internet" switch (a bridge) and nothing else. */
export const LAB_NODES = ['inet', 'tracker', 'public', 'routerA', 'hostA', 'routerB', 'hostB'] as const
export type LabNode = (typeof LAB_NODES)[number]

export const ROUTERS = ['routerA', 'routerB'] as const
export type LabRouter = (typeof ROUTERS)[number]

/**
 * The internet side uses 11.0.0.0/24: public for libp2p (10/8, 100.64/10, 192.168/16 and the
 * documentation ranges count as private and switch its NAT logic off), and never routed to from the host,
 * since it exists only inside the lab's namespaces.
 */
export const INTERNET_PREFIX = 24
export const LAN_PREFIX = 24

/** Where each namespace sits. Routers have two addresses: `routerA` here is its public (WAN) one. */
export const LAB_ADDRESSES = {
  tracker: '11.0.0.1',
  public: '11.0.0.2',
  routerA: '11.0.0.10',
  routerALan: '192.168.1.1',
  hostA: '192.168.1.2',
  routerB: '11.0.0.20',
  routerBLan: '192.168.2.1',
  hostB: '192.168.2.2'
} as const
export type LabAddresses = typeof LAB_ADDRESSES

/** One home LAN: the router in front, the subnet and the one host on it. */
export interface HomeLan {
  router: LabRouter
  host: 'hostA' | 'hostB'
  subnet: string
  gateway: string
  wan: string
  hostAddr: string
}

export const HOME_LANS: Record<LabRouter, HomeLan> = {
  routerA: {
    router: 'routerA',
    host: 'hostA',
    subnet: '192.168.1.0/24',
    gateway: LAB_ADDRESSES.routerALan,
    wan: LAB_ADDRESSES.routerA,
    hostAddr: LAB_ADDRESSES.hostA
  },
  routerB: {
    router: 'routerB',
    host: 'hostB',
    subnet: '192.168.2.0/24',
    gateway: LAB_ADDRESSES.routerBLan,
    wan: LAB_ADDRESSES.routerB,
    hostAddr: LAB_ADDRESSES.hostB
  }
}

/** Interface names inside the namespaces (each namespace has its own, so they never collide). */
export const IFACE = {
  /** The internet switch in `inet`; its ports are named after the namespace they lead to. */
  bridge: 'br0',
  /** A host's or public node's only interface. */
  host: 'eth0',
  /** A router's internet side. */
  wan: 'wan',
  /** A router's home side. */
  lan: 'lan'
} as const

/** The namespaces on the internet switch, with their interface there and their address. */
export const INTERNET_SIDE: Array<{ node: LabNode; iface: string; addr: string }> = [
  { node: 'tracker', iface: IFACE.host, addr: LAB_ADDRESSES.tracker },
  { node: 'public', iface: IFACE.host, addr: LAB_ADDRESSES.public },
  { node: 'routerA', iface: IFACE.wan, addr: LAB_ADDRESSES.routerA },
  { node: 'routerB', iface: IFACE.wan, addr: LAB_ADDRESSES.routerB }
]

/** The nftables chain that holds a router's port forwards (DNAT rules), one rule per forwarded port. */
export const PORT_FORWARD_CHAIN = 'portforward'

/**
 * A home router's whole ruleset, loaded with `nft -f -` in its namespace:
 * - LAN → internet: masquerade to the WAN address. Linux keeps the source port when it is free, and
 *   reuses one mapping per (LAN address, port) for every destination unless that would collide
 *   (endpoint-independent mapping in practice).
 * - internet → router or LAN: only packets of flows the LAN opened (`ct state established,related`),
 *   which includes a SYN that matches an outgoing SYN's reply tuple (TCP simultaneous open, as in hole
 *   punching), plus ports forwarded with DNAT. Everything else is dropped without an answer, as home
 *   routers do: a closed port on the router times out, it is never refused.
 * - No hairpinning: a LAN host that dials its own router's WAN address reaches the router, not a forward.
 */
export function routerRuleset(lan: HomeLan): string {
  return `
table ip nat {
  chain ${PORT_FORWARD_CHAIN} {
  }
  chain prerouting {
    type nat hook prerouting priority dstnat; policy accept;
    iifname "${IFACE.wan}" jump ${PORT_FORWARD_CHAIN}
  }
  chain postrouting {
    type nat hook postrouting priority srcnat; policy accept;
    oifname "${IFACE.wan}" ip saddr ${lan.subnet} masquerade
  }
}
table inet filter {
  chain input {
    type filter hook input priority filter; policy drop;
    ct state invalid drop
    ct state established,related accept
    iifname "lo" accept
    iifname "${IFACE.lan}" accept
  }
  chain forward {
    type filter hook forward priority filter; policy drop;
    ct state invalid drop
    ct state established,related accept
    iifname "${IFACE.lan}" oifname "${IFACE.wan}" accept
    iifname "${IFACE.wan}" oifname "${IFACE.lan}" ct status dnat accept
  }
  chain output {
    type filter hook output priority filter; policy accept;
  }
}
`
}

/** The nft command (arguments after `nft`) that forwards `wanPort` of `lan`'s router to its host. */
export function portForwardRule(lan: HomeLan, wanPort: number, hostPort = wanPort): string[] {
  return [
    'add',
    'rule',
    'ip',
    'nat',
    PORT_FORWARD_CHAIN,
    'tcp',
    'dport',
    String(wanPort),
    'dnat',
    'to',
    `${lan.hostAddr}:${hostPort}`
  ]
}
