import { randomBytes } from "node:crypto";
import { LocalBus } from "../../src/adapters/cluster/local-bus.js";
import { LocalPresenceDirectory } from "../../src/adapters/cluster/local-presence.js";
import { NatsBus } from "../../src/adapters/cluster/nats-bus.js";
import { NatsLink } from "../../src/adapters/cluster/nats-link.js";
import { NatsPresenceDirectory } from "../../src/adapters/cluster/nats-presence.js";
import { createLogger } from "../../src/adapters/platform/logger.js";
import { SystemClock } from "../../src/adapters/platform/node-random.js";
import type { Bus, PresenceDirectory } from "../../src/core/kernel/ports.js";
import { NATS_URL, natsUnavailable } from "../helpers/nats-server.js";
import { waitUntil } from "../helpers/poll.js";

/** One node's view of the cluster: its bus and its presence directory, as main.ts pairs them. */
export interface ClusterNode {
  id: string;
  bus: Bus;
  presence: PresenceDirectory;
}

/** A deployment under test: nodes made by one adapter, sharing one cluster (or each alone). */
export interface ClusterUnderTest {
  /** Whether several nodes reach each other (false: every node is a single-node deployment). */
  readonly multiNode: boolean;
  /** A new node, ready: on a cluster every earlier node of this deployment has heard from it. */
  node(): Promise<ClusterNode>;
  /** Closes every node it made. */
  close(): Promise<void>;
}

export interface ClusterAdapter {
  name: "local" | "nats";
  /** Why it cannot run here (the suite is skipped, saying why), or undefined. */
  unavailable(): Promise<string | undefined>;
  open(): Promise<ClusterUnderTest>;
}

const clock = new SystemClock();
const log = createLogger("silent");

/** A single node: the bus hands pushes to this process's receiver, presence is this process's table. */
const local: ClusterAdapter = {
  name: "local",
  unavailable: async () => undefined,
  open: async () => {
    let n = 0;
    return {
      multiNode: false,
      node: async () => ({
        id: `local-${++n}`,
        bus: new LocalBus(),
        presence: new LocalPresenceDirectory(clock),
      }),
      close: async () => {},
    };
  },
};

/** Nodes on the machine's NATS server, under a subject prefix of this deployment's own. */
const nats: ClusterAdapter = {
  name: "nats",
  unavailable: natsUnavailable,
  open: async () => {
    const prefix = `contract-${randomBytes(6).toString("hex")}`;
    const nodes: (ClusterNode & { link: NatsLink; presence: NatsPresenceDirectory })[] = [];
    return {
      multiNode: true,
      node: async () => {
        const id = `${prefix}-node${nodes.length + 1}`;
        const link = new NatsLink({ servers: [NATS_URL], name: id }, log);
        const bus = new NatsBus(link, { prefix, nodeId: id });
        const presence = new NatsPresenceDirectory(
          link,
          { prefix, nodeId: id, heartbeatMs: 100 },
          clock,
          log,
        );
        link.start();
        const node = { id, bus, presence, link };
        nodes.push(node);
        // A node's subscriptions are made before it first publishes, so once every node has heard
        // from every other, a message published by any of them reaches the others.
        await waitUntil(
          () => nodes.every((a) => nodes.every((b) => a.presence.loads().has(b.id))),
          `the nodes of ${prefix} to hear from each other`,
        );
        return node;
      },
      close: async () => {
        for (const n of nodes) {
          await n.presence.close();
          await n.link.close();
        }
      },
    };
  },
};

/** Every adapter of the Bus and PresenceDirectory ports; the contract suites loop over these. */
export const CLUSTER_ADAPTERS: readonly ClusterAdapter[] = [local, nats];
