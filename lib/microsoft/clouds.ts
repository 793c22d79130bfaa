// Every Microsoft host Consentry talks to, per cloud. All URLs are built from this table.
export type TCloud = "global" | "usgov" | "china" | "sandbox";
export type TSandboxHosts = { loginUrl: string; graphUrl: string; imapHost: string; popHost: string; smtpHost: string };
export type THostPort = { host: string; port: number };
export type TCloudHosts = {
  name: string;
  loginUrl: string;
  graphUrl: string;
  imap: THostPort;
  pop: THostPort;
  smtp: THostPort;
  outlookResource: string;
  graphResource: string;
};

export const CLOUD_LABELS: Record<TCloud, string> = {
  global: "Global",
  usgov: "US Government (GCC High)",
  china: "China (21Vianet)",
  sandbox: "Sandbox",
};

const TABLE: Record<Exclude<TCloud, "sandbox">, TCloudHosts> = {
  global: {
    name: "Global",
    loginUrl: "https://login.microsoftonline.com",
    graphUrl: "https://graph.microsoft.com",
    imap: { host: "outlook.office365.com", port: 993 },
    pop: { host: "outlook.office365.com", port: 995 },
    smtp: { host: "smtp.office365.com", port: 587 },
    outlookResource: "https://outlook.office.com",
    graphResource: "https://graph.microsoft.com",
  },
  // GCC High (login and Graph hosts: https://learn.microsoft.com/en-us/graph/deployments; mail hosts
  // and scope prefix come only from third-party code, e.g. https://github.com/postalsys/emailengine).
  usgov: {
    name: "US Government (GCC High)",
    loginUrl: "https://login.microsoftonline.us",
    graphUrl: "https://graph.microsoft.us",
    imap: { host: "outlook.office365.us", port: 993 },
    pop: { host: "outlook.office365.us", port: 995 },
    smtp: { host: "smtp.office365.us", port: 587 },
    outlookResource: "https://outlook.office365.us",
    graphResource: "https://graph.microsoft.us",
  },
  china: {
    name: "China (21Vianet)",
    loginUrl: "https://login.partner.microsoftonline.cn",
    graphUrl: "https://microsoftgraph.chinacloudapi.cn",
    imap: { host: "partner.outlook.cn", port: 993 },
    pop: { host: "partner.outlook.cn", port: 995 },
    smtp: { host: "smtp.partner.outlook.cn", port: 587 },
    outlookResource: "https://partner.outlook.cn",
    graphResource: "https://microsoftgraph.chinacloudapi.cn",
  },
};

function hostPort(s: string, fallbackPort: number): THostPort {
  const [host, port] = s.split(":");
  return { host, port: port ? Number(port) : fallbackPort };
}

export function cloudHosts(cloud: TCloud, sandbox?: TSandboxHosts): TCloudHosts {
  if (cloud !== "sandbox") return TABLE[cloud];
  if (!sandbox) throw new Error("The Sandbox cloud needs its hosts (SANDBOX_* settings).");
  return {
    name: "Sandbox",
    loginUrl: sandbox.loginUrl.replace(/\/$/, ""),
    graphUrl: sandbox.graphUrl.replace(/\/$/, ""),
    imap: hostPort(sandbox.imapHost, 4993),
    pop: hostPort(sandbox.popHost, 4995),
    smtp: hostPort(sandbox.smtpHost, 4587),
    // The sandbox issues tokens with Microsoft's own audiences, so clients need no special case.
    outlookResource: "https://outlook.office.com",
    graphResource: "https://graph.microsoft.com",
  };
}
