/**
 * A small, deliberately partial list of CDN / reverse-proxy address ranges, used only to explain
 * HTTP-01 behaviour ("this address is Cloudflare's"). A miss proves nothing. Only ranges we are
 * confident of are listed; refresh from each provider's published list.
 */
import ipaddr from 'ipaddr.js';

export interface CdnRanges {
  provider: string;
  /** Where the provider publishes the authoritative list. */
  source: string;
  /** When this copy was checked against the source (YYYY-MM-DD). */
  checked: string;
  cidrs: string[];
}

export const CDN_RANGES: readonly CdnRanges[] = [
  {
    provider: 'Cloudflare',
    source: 'https://www.cloudflare.com/ips/',
    checked: '2026-11-23',
    cidrs: [
      '173.245.48.0/20',
      '103.21.244.0/22',
      '103.22.200.0/22',
      '103.31.4.0/22',
      '141.101.64.0/18',
      '108.162.192.0/18',
      '190.93.240.0/20',
      '188.114.96.0/20',
      '197.234.240.0/22',
      '198.41.128.0/17',
      '162.158.0.0/15',
      '104.16.0.0/13',
      '104.24.0.0/14',
      '172.64.0.0/13',
      '131.0.72.0/22',
      '2400:cb00::/32',
      '2606:4700::/32',
      '2803:f800::/32',
      '2405:b500::/32',
      '2405:8100::/32',
      '2a06:98c0::/29',
      '2c0f:f248::/32',
    ],
  },
  {
    provider: 'Fastly',
    source: 'https://api.fastly.com/public-ip-list',
    checked: '2026-11-23',
    cidrs: [
      '151.101.0.0/16',
      '199.232.0.0/16',
      '146.75.0.0/17',
      '23.235.32.0/20',
      '2a04:4e40::/32',
      '2a04:4e42::/32',
    ],
  },
  {
    provider: 'Amazon CloudFront',
    source: 'https://ip-ranges.amazonaws.com/ip-ranges.json (service CLOUDFRONT)',
    checked: '2026-11-23',
    cidrs: [
      '13.32.0.0/15',
      '13.224.0.0/14',
      '18.160.0.0/15',
      '52.84.0.0/15',
      '54.230.0.0/16',
      '54.239.128.0/18',
      '99.84.0.0/16',
      '143.204.0.0/16',
      '2600:9000::/28',
    ],
  },
  {
    provider: 'Akamai',
    source: 'Akamai origin/edge IP documentation',
    checked: '2026-11-23',
    cidrs: ['23.32.0.0/11', '23.192.0.0/11', '2.16.0.0/13', '104.64.0.0/10', '184.24.0.0/13'],
  },
  {
    provider: 'Azure Front Door',
    source: 'Azure service tag AzureFrontDoor.Frontend',
    checked: '2026-11-23',
    cidrs: ['13.107.246.0/24', '13.107.213.0/24'],
  },
];

const PARSED = CDN_RANGES.map((r) => ({
  provider: r.provider,
  nets: r.cidrs.map((c) => ipaddr.parseCIDR(c)),
}));

/** The CDN an address belongs to, if it is in a listed range. */
export function cdnForAddress(address: string): string | undefined {
  if (!ipaddr.isValid(address)) return undefined;
  let a = ipaddr.parse(address);
  if (a.kind() === 'ipv6' && (a as ipaddr.IPv6).isIPv4MappedAddress()) a = (a as ipaddr.IPv6).toIPv4Address();
  for (const p of PARSED) {
    for (const [net, bits] of p.nets) if (net.kind() === a.kind() && a.match(net, bits)) return p.provider;
  }
  return undefined;
}

/** CDN, proxy or WAF named by response headers. */
export function cdnForHeaders(h: Record<string, string>): string | undefined {
  const server = (h.server ?? '').toLowerCase();
  const via = (h.via ?? '').toLowerCase();
  if (h['cf-ray'] || server === 'cloudflare') return 'Cloudflare';
  if (h['x-amz-cf-id'] || h['x-amz-cf-pop'] || via.includes('cloudfront')) return 'Amazon CloudFront';
  if (
    h['x-fastly-request-id'] ||
    (h['x-served-by'] ?? '').toLowerCase().includes('cache-') ||
    via.includes('varnish')
  )
    return 'Fastly';
  if (h['akamai-grn'] || h['x-akamai-transformed'] || server.includes('akamai')) return 'Akamai';
  if (h['x-azure-ref'] || h['x-msedge-ref']) return 'Azure Front Door';
  if (via.includes('google') || server === 'google frontend') return 'Google Cloud';
  if (h['x-sucuri-id'] || server.includes('sucuri')) return 'Sucuri';
  if (via) return `a proxy (Via: ${h.via})`;
  return undefined;
}
