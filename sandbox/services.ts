// Mail-side services the sandbox server starts next to the identity platform.
// sandbox/mail and sandbox/graph register themselves here.
import type { SandboxService } from "./contracts";

export const services: SandboxService[] = [];
