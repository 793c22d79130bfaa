// What a server type looks like after JSON.stringify: dates arrive as ISO strings. Wire types are
// derived from the server's DTO types through this, so the browser never keeps a hand copy.
export type TJson<T> = T extends Date
  ? string
  : T extends (infer U)[]
    ? TJson<U>[]
    : T extends object
      ? { [K in keyof T]: TJson<T[K]> }
      : T;
