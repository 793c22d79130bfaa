// Mail-side services the sandbox server starts next to the identity platform.
// sandbox/mail and sandbox/graph register themselves here.
import type { SandboxService } from "./contracts";
import { graphService } from "./graph/graph-service";
import { mailService } from "./mail/mail-service";

export const services: SandboxService[] = [mailService, graphService];
