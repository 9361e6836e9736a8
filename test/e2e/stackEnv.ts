import { readFileSync } from 'node:fs';

/** The running e2e stack, as written by test/e2e/stack/up.sh to <workdir>/stack.env. */
export interface StackEnv {
  netns: string;
  workdir: string;
  dnsPort: number;
  rootNs: string;
  tldNs: string;
  childNs1: string;
  childNs2: string;
  resolver: string;
  rootHints: string;
  rootAnchor: string;
  zonesDir: string;
  tsig: { keyFile: string; name: string; algorithm: string; secret: string };
  updateZone: string;
  updateServer: string;
  httpPort: number;
  tlsPort: number;
  webroot: string;
  web: {
    good: string;
    notFound: string;
    catchAll: string;
    badRedirect: string;
    redirect: string;
    refused: string;
  };
  testCaCert: string;
  pebble: { addr: string; directoryUrl: string; caCert: string; managementUrl: string };
}

/** Parses KEY=VALUE lines (comments and blank lines skipped); values are taken literally. */
export function parseEnvFile(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    out.set(line.slice(0, eq), line.slice(eq + 1));
  }
  return out;
}

export function stackEnvFromText(text: string): StackEnv {
  const vars = parseEnvFile(text);
  const get = (key: string): string => {
    const v = vars.get(key);
    if (v === undefined || v === '') throw new Error(`stack.env: ${key} missing`);
    return v;
  };
  const num = (key: string): number => {
    const n = Number(get(key));
    if (!Number.isInteger(n)) throw new Error(`stack.env: ${key} is not an integer`);
    return n;
  };
  return {
    netns: get('E2E_NETNS'),
    workdir: get('E2E_WORKDIR'),
    dnsPort: num('E2E_DNS_PORT'),
    rootNs: get('E2E_ROOT_NS'),
    tldNs: get('E2E_TLD_NS'),
    childNs1: get('E2E_CHILD_NS1'),
    childNs2: get('E2E_CHILD_NS2'),
    resolver: get('E2E_RESOLVER'),
    rootHints: get('E2E_ROOT_HINTS'),
    rootAnchor: get('E2E_ROOT_ANCHOR'),
    zonesDir: get('E2E_ZONES_DIR'),
    tsig: {
      keyFile: get('E2E_TSIG_KEY'),
      name: get('E2E_TSIG_NAME'),
      algorithm: get('E2E_TSIG_ALGORITHM'),
      secret: get('E2E_TSIG_SECRET'),
    },
    updateZone: get('E2E_UPDATE_ZONE'),
    updateServer: get('E2E_UPDATE_SERVER'),
    httpPort: num('E2E_HTTP_PORT'),
    tlsPort: num('E2E_TLS_PORT'),
    webroot: get('E2E_WEBROOT'),
    web: {
      good: get('E2E_WEB_GOOD'),
      notFound: get('E2E_WEB_404'),
      catchAll: get('E2E_WEB_CATCHALL'),
      badRedirect: get('E2E_WEB_BADREDIRECT'),
      redirect: get('E2E_WEB_REDIRECT'),
      refused: get('E2E_WEB_REFUSED'),
    },
    testCaCert: get('E2E_TEST_CA_CERT'),
    pebble: {
      addr: get('E2E_PEBBLE_ADDR'),
      directoryUrl: get('E2E_PEBBLE_DIR'),
      caCert: get('E2E_PEBBLE_CA_CERT'),
      managementUrl: get('E2E_PEBBLE_MGMT'),
    },
  };
}

/** Loads the stack named by E2E_STACK_ENV (a path to stack.env); tests run inside its namespace. */
export function loadStackEnv(path: string | undefined = process.env.E2E_STACK_ENV): StackEnv {
  if (!path) throw new Error('E2E_STACK_ENV is not set: run the e2e suite through test/e2e/run.sh');
  return stackEnvFromText(readFileSync(path, 'utf8'));
}
