import { applianceFor } from '../../src/http/appliance.js';

describe('router and NAS admin pages', () => {
  it.each([
    [{ server: 'RomPager/4.07 UPnP/1.0' }, undefined, 'Server: RomPager'],
    [{ 'www-authenticate': 'Basic realm="NETGEAR R7000"' }, undefined, 'realm "NETGEAR R7000"'],
    [{}, '<html><head><title>FRITZ!Box</title>', 'page title "FRITZ!Box"'],
    [{ server: 'uhttpd' }, '', 'Server: uhttpd'],
  ])('%j %s', (headers, body, clue) => {
    expect(applianceFor(headers as Record<string, string>, body)?.clue).toContain(clue);
  });

  it.each([
    [{ server: 'nginx/1.25.3' }, '<title>Welcome to nginx!</title>'],
    [{ server: 'Apache' }, '<html>404 Not Found</html>'],
    [{ 'www-authenticate': 'Basic realm="Staging"' }, undefined],
  ])('an ordinary web server is not one: %j', (headers, body) => {
    expect(applianceFor(headers as Record<string, string>, body)).toBeUndefined();
  });
});
