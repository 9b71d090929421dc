// proxy-from-env ships no types.
declare module 'proxy-from-env' {
  /** The proxy URL for `url` from the *_PROXY variables, honouring NO_PROXY; '' for none. */
  export function getProxyForUrl(url: string | URL): string;
}
