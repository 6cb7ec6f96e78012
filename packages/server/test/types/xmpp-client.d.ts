/** The part of @xmpp/client (which ships no types) that the XMPP tests use. */
declare module "@xmpp/client" {
  import type { EventEmitter } from "node:events";

  export interface XmlElement {
    name: string;
    attrs: Record<string, string>;
    children: (XmlElement | string)[];
    getChild(name: string, ns?: string): XmlElement | undefined;
    getChildren(name: string, ns?: string): XmlElement[];
    getChildText(name: string, ns?: string): string | null;
    text(): string;
    is(name: string, ns?: string): boolean;
    toString(): string;
  }

  export function xml(
    name: string,
    attrs?: Record<string, string | undefined>,
    ...children: (XmlElement | string)[]
  ): XmlElement;

  export type Authenticate = (
    credentials: { username: string; password: string },
    mechanism: string,
  ) => Promise<void>;

  export interface XmppClient extends EventEmitter {
    start(): Promise<{ toString(): string }>;
    stop(): Promise<void>;
    send(element: XmlElement): Promise<void>;
    iqCaller: {
      request(element: XmlElement, timeout?: number): Promise<XmlElement>;
      get(element: XmlElement, to?: string, timeout?: number): Promise<XmlElement>;
    };
    reconnect: { stop(): void };
  }

  export function client(options: {
    service: string;
    domain?: string;
    resource?: string;
    username?: string;
    password?: string;
    credentials?: (authenticate: Authenticate, mechanisms: string[]) => Promise<void>;
  }): XmppClient;
}
