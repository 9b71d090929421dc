export interface ProxyEntry {
  url: string;
  /** The Accept-Encoding the client sent. */
  coding: string;
  arrived: number;
  ended: number | undefined;
  /** The client dropped the request before its answer ended. */
  aborted: boolean;
  /** Body bytes sent to the client, as coded. */
  bytes: number;
}

export interface Proxy {
  url: string;
  entries: ProxyEntry[];
  stats: { hits: number; misses: number; storedBytes: number };
  stop(): Promise<void>;
}

export function startProxy(options: { upstream: string; cache?: boolean; clock?: () => number }): Promise<Proxy>;
