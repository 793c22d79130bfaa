// What a caller may add to a feature hook's query: polling, enabling. Key and fetch stay the hook's.
import type { UseQueryOptions } from "@tanstack/react-query";

export type TQueryOpts<T> = Omit<UseQueryOptions<T>, "queryKey" | "queryFn">;
