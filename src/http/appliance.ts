/**
 * A home router, NAS or modem answering port 80 instead of the web server: the port forward is missing or
 * points at the wrong machine. Recognised by the admin interface's Server header, its Basic-auth realm or
 * its page title.
 */
const VENDORS = [
  'tp-link',
  'netgear',
  'linksys',
  'asus',
  'zyxel',
  'draytek',
  'mikrotik',
  'routeros',
  'd-link',
  'huawei',
  'technicolor',
  'fritz!box',
  'avm',
  'ubiquiti',
  'edgeos',
  'dd-wrt',
  'openwrt',
  'luci',
  'pfsense',
  'opnsense',
  'synology',
  'diskstation',
  'qnap',
  'sagemcom',
  'arris',
  'speedport',
];
const WORDS = ['router', 'gateway', 'modem', 'access point', 'web management', 'configuration manager'];
/** Embedded web servers shipped in router firmware. */
const EMBEDDED_SERVERS = [
  'rompager',
  'mini_httpd',
  'micro_httpd',
  'goahead',
  'boa/',
  'uhttpd',
  'router webserver',
  'httpd/2.0 (router)',
];

export interface ApplianceHint {
  /** What gave it away, quoted from the response. */
  clue: string;
}

export function applianceFor(
  headers: Record<string, string>,
  body: string | undefined,
): ApplianceHint | undefined {
  const server = (headers.server ?? '').toLowerCase();
  const embedded = EMBEDDED_SERVERS.find((s) => server.includes(s));
  if (embedded) return { clue: `Server: ${headers.server}` };
  const realm = /realm="?([^"]*)"?/i.exec(headers['www-authenticate'] ?? '')?.[1];
  const words = [...VENDORS, ...WORDS];
  if (realm && words.some((w) => realm.toLowerCase().includes(w)))
    return { clue: `WWW-Authenticate realm "${realm}"` };
  const title = /<title>([^<]*)/i.exec(body ?? '')?.[1];
  if (title && words.some((w) => title.toLowerCase().includes(w)))
    return { clue: `page title "${title.trim()}"` };
  if (VENDORS.some((v) => server.includes(v))) return { clue: `Server: ${headers.server}` };
  return undefined;
}
