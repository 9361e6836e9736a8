import { describe, expect, it } from '@jest/globals';
import {
  identifierPolicyFindings,
  MAX_NAMES_PER_ORDER,
  parseIdentifier,
} from '../../src/checks/identifiers.js';
import type { Identifier } from '../../src/identifiers.js';
import { codeInfo } from '../../src/report/catalogue.js';

function ok(input: string): Identifier {
  const r = parseIdentifier(input);
  if (!r.ok) throw new Error(`expected ${input} to parse, got ${r.code}: ${r.message}`);
  return r.identifier;
}

describe('parseIdentifier: accepted names', () => {
  it.each([
    ['example.com', 'example.com', 'example.com', false],
    ['  WWW.Example.COM.  ', 'www.example.com', 'www.example.com', false],
    ['*.example.com', '*.example.com', 'example.com', true],
    ['*.EXAMPLE.com.', '*.example.com', 'example.com', true],
    ['a-b.example.co.uk', 'a-b.example.co.uk', 'a-b.example.co.uk', false],
    ['xn--bcher-kva.de', 'xn--bcher-kva.de', 'xn--bcher-kva.de', false],
    ['bücher.de', 'xn--bcher-kva.de', 'xn--bcher-kva.de', false],
    ['*.Bücher.de', '*.xn--bcher-kva.de', 'xn--bcher-kva.de', true],
    ['faß.de', 'xn--fa-hia.de', 'xn--fa-hia.de', false],
    ['пример.рф', 'xn--e1afmkfd.xn--p1ai', 'xn--e1afmkfd.xn--p1ai', false],
    ['例え。テスト', 'xn--r8jz45g.xn--zckzah', 'xn--r8jz45g.xn--zckzah', false],
    ['1example.com', '1example.com', '1example.com', false],
  ])('%s -> %s', (input, value, base, wildcard) => {
    const id = ok(input);
    expect(id).toMatchObject({ input, type: 'dns', value, base, wildcard });
  });

  it('keeps the Unicode form of an IDN', () => {
    expect(ok('bücher.de').unicode).toBe('bücher.de');
    expect(ok('*.xn--bcher-kva.de').unicode).toBe('*.bücher.de');
    expect(ok('example.com').unicode).toBeUndefined();
  });

  it('accepts a name of exactly 253 characters and labels of 63', () => {
    const label = 'a'.repeat(63);
    const name = [label, label, label, 'b'.repeat(57), 'com'].join('.');
    expect(name).toHaveLength(253);
    expect(ok(name).value).toBe(name);
  });

  it('keeps misplaced wildcards for the policy check to explain', () => {
    expect(ok('foo*.example.com')).toMatchObject({ value: 'foo*.example.com', wildcard: false });
    expect(ok('*.*.example.com')).toMatchObject({ wildcard: true, base: '*.example.com' });
  });
});

describe('parseIdentifier: IP literals', () => {
  it.each([
    ['192.0.2.1', '192.0.2.1'],
    ['8.8.8.8', '8.8.8.8'],
    ['2001:DB8:0:0::1', '2001:db8::1'],
    ['[2606:4700::1111]', '2606:4700::1111'],
    ['::ffff:1.2.3.4', '::ffff:102:304'],
    ['2001:db8::443', '2001:db8::443'],
    ['::1', '::1'],
  ])('%s -> ip %s', (input, value) => {
    expect(ok(input)).toMatchObject({ type: 'ip', value, base: value, wildcard: false });
  });

  it.each(['[example.com]', '1:2:3', '2001:db8::1::2', 'fe80::1%eth0', '999.1.1.1'])(
    'refuses %s',
    (input) => {
      const r = parseIdentifier(input);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.code).toBe('IDENT_SYNTAX_BAD_IP');
    },
  );
});

describe('parseIdentifier: usage errors', () => {
  it.each([
    ['', 'IDENT_SYNTAX_EMPTY'],
    ['   ', 'IDENT_SYNTAX_EMPTY'],
    ['.', 'IDENT_SYNTAX_EMPTY'],
    ['example..com', 'IDENT_SYNTAX_EMPTY_LABEL'],
    ['.example.com', 'IDENT_SYNTAX_EMPTY_LABEL'],
    ['example.com..', 'IDENT_SYNTAX_EMPTY_LABEL'],
    ['under_score.example.com', 'IDENT_SYNTAX_INVALID_CHARACTER'],
    ['sp ace.example.com', 'IDENT_SYNTAX_INVALID_CHARACTER'],
    ['-lead.example.com', 'IDENT_SYNTAX_INVALID_CHARACTER'],
    ['trail-.example.com', 'IDENT_SYNTAX_INVALID_CHARACTER'],
    ['a/b.example.com', 'IDENT_SYNTAX_INVALID_CHARACTER'],
    [`${'a'.repeat(64)}.com`, 'IDENT_SYNTAX_LABEL_TOO_LONG'],
    [
      ['a'.repeat(63), 'a'.repeat(63), 'a'.repeat(63), 'b'.repeat(58), 'com'].join('.'),
      'IDENT_SYNTAX_TOO_LONG',
    ],
    ['ab--cd.example.com', 'IDENT_SYNTAX_RESERVED_LDH'],
    ['xn--zz.example.com', 'IDENT_SYNTAX_BAD_IDN'],
    ['xn--a.example.com', 'IDENT_SYNTAX_BAD_IDN'],
    ['xn--abc.example.com', 'IDENT_SYNTAX_BAD_IDN'],
    ['xn--bcher-kva-.de', 'IDENT_SYNTAX_INVALID_CHARACTER'],
    ['https://example.com/', 'IDENT_SYNTAX_INVALID_CHARACTER'],
    ['example.com:443', 'IDENT_SYNTAX_INVALID_CHARACTER'],
    ['[2001:db8::1]:443', 'IDENT_SYNTAX_INVALID_CHARACTER'],
    ['exa:mple.com', 'IDENT_SYNTAX_INVALID_CHARACTER'],
  ])('%j -> %s', (input, code) => {
    const r = parseIdentifier(input);
    expect(r).toMatchObject({ ok: false, code });
    if (!r.ok) {
      expect(r.message).not.toContain('\n');
      expect(r.message.length).toBeGreaterThan(5);
      // Every code is documented in the catalogue.
      expect(codeInfo(r.code).code).toBe(code);
    }
  });
});

const codes = (ids: string[], challenge: 'http-01' | 'dns-01' | 'tls-alpn-01' = 'http-01'): string[] =>
  identifierPolicyFindings(ids.map(ok), challenge).map((f) => f.code);

describe('identifierPolicyFindings', () => {
  it('passes ordinary names', () => {
    expect(codes(['example.com', 'www.example.co.uk', 'xn--bcher-kva.de'])).toEqual([]);
    expect(codes(['*.example.com'], 'dns-01')).toEqual([]);
  });

  it.each([
    // Single labels get the CA's dot rule first ("Domain name needs at least one dot").
    ['com', 'IDENT_TOO_FEW_LABELS'],
    ['co.uk', 'IDENT_IS_PUBLIC_SUFFIX'],
    ['xn--p1ai', 'IDENT_TOO_FEW_LABELS'],
    ['xn--80aswg.xn--p1ai', 'IDENT_NONE'],
    ['foo.invalid', 'IDENT_NOT_PUBLIC_SUFFIX'],
    ['printer.local', 'IDENT_NOT_PUBLIC_SUFFIX'],
    ['host.internal', 'IDENT_NOT_PUBLIC_SUFFIX'],
    ['localhost', 'IDENT_TOO_FEW_LABELS'],
    ['1.2.3', 'IDENT_NOT_PUBLIC_SUFFIX'],
  ])('%s -> %s', (name, code) => {
    expect(codes([name])).toEqual(code === 'IDENT_NONE' ? [] : [code]);
  });

  it('words a single label as the CA does', () => {
    const [f] = identifierPolicyFindings([ok('localhost')], 'http-01');
    expect(f?.caMessage).toBe('Cannot issue for "localhost": Domain name needs at least one dot');
  });

  it.each(['kobe.jp', 'nagoya.jp', 'yokohama.jp', 'kawasaki.jp', 'sendai.jp', 'www.city.kobe.jp'])(
    '%s is registrable (PSL rule *.<city>.jp does not make the city name a suffix)',
    (name) => {
      expect(codes([name])).toEqual([]);
    },
  );

  it.each(['c.kobe.jp', 'foo.nagoya.jp'])('%s is a public suffix under *.<city>.jp', (name) => {
    expect(codes([name])).toEqual(['IDENT_IS_PUBLIC_SUFFIX']);
  });

  it('uses only the ICANN section of the PSL (private suffixes are issuable)', () => {
    expect(codes(['blogspot.com', 'foo.github.io'])).toEqual([]);
  });

  it('refuses a wildcard of a public suffix, with the CA message', () => {
    const [f] = identifierPolicyFindings([ok('*.co.uk')], 'dns-01');
    expect(f).toMatchObject({
      code: 'IDENT_IS_PUBLIC_SUFFIX',
      severity: 'error',
      acmeProblem: 'urn:ietf:params:acme:error:rejectedIdentifier',
      caMessage: 'Cannot issue for "*.co.uk": Domain name is a wildcard for an ICANN TLD',
    });
  });

  it('counts labels: 10 pass, 11 fail', () => {
    const ten = 'a.b.c.d.e.f.g.h.example.com';
    expect(ten.split('.')).toHaveLength(10);
    expect(codes([ten])).toEqual([]);
    expect(codes([`x.${ten}`])).toEqual(['IDENT_TOO_MANY_LABELS']);
    // A wildcard's labels are counted on its base, as Boulder does.
    expect(codes([`*.${ten}`], 'dns-01')).toEqual([]);
  });

  it.each(['foo*.example.com', '*.*.example.com', 'www.*.example.com', 'a.*.example.com'])(
    'refuses %s',
    (name) => {
      const fs = identifierPolicyFindings([ok(name)], 'dns-01');
      expect(fs.map((f) => f.code)).toEqual(['IDENT_WILDCARD_MALFORMED']);
      expect(fs[0]?.detail).toContain(name);
    },
  );

  it.each(['http-01', 'tls-alpn-01'] as const)('wildcard with %s needs dns-01', (challenge) => {
    const [f] = identifierPolicyFindings([ok('*.example.com')], challenge);
    expect(f?.code).toBe('IDENT_WILDCARD_NEEDS_DNS01');
    expect(f?.severity).toBe('error');
    expect(f?.remediation).toContain('_acme-challenge.example.com');
    expect(f?.evidence[0]?.source).toBe('local policy');
  });

  it('IP identifiers: dns-01 is not offered, reserved ranges are refused', () => {
    expect(codes(['8.8.8.8'])).toEqual([]);
    expect(codes(['2606:4700::1111'], 'tls-alpn-01')).toEqual([]);
    expect(codes(['8.8.8.8'], 'dns-01')).toEqual(['IDENT_IP_NEEDS_HTTP_OR_TLS']);
    const fs = identifierPolicyFindings([ok('10.1.2.3'), ok('2001:db8::1')], 'http-01');
    expect(fs.map((f) => f.code)).toEqual(['IDENT_IP_RESERVED', 'IDENT_IP_RESERVED']);
    expect(fs[0]?.detail).toContain('10.0.0.0/8');
    expect(fs[0]?.caMessage).toBe(
      'Cannot issue for "10.1.2.3": IP address is in a reserved address block: [RFC1918]: Private-Use',
    );
    expect(fs[1]?.detail).toContain('2001:db8::/32');
  });

  it('flags duplicates as info and checks them once', () => {
    const fs = identifierPolicyFindings(
      [ok('Example.com'), ok('example.com.'), ok('foo.invalid'), ok('FOO.invalid')],
      'http-01',
    );
    expect(fs.map((f) => [f.code, f.severity])).toEqual([
      ['IDENT_DUPLICATE', 'info'],
      ['IDENT_DUPLICATE', 'info'],
      ['IDENT_INPUT_NOT_CANONICAL', 'info'],
      ['IDENT_NOT_PUBLIC_SUFFIX', 'error'],
    ]);
  });

  it(`allows ${MAX_NAMES_PER_ORDER} names per order, not one more`, () => {
    const names = (n: number): Identifier[] => Array.from({ length: n }, (_v, i) => ok(`n${i}.example.com`));
    expect(identifierPolicyFindings(names(MAX_NAMES_PER_ORDER), 'dns-01')).toEqual([]);
    const fs = identifierPolicyFindings(names(MAX_NAMES_PER_ORDER + 1), 'dns-01');
    expect(fs.map((f) => f.code)).toEqual(['IDENT_TOO_MANY_NAMES']);
    expect(fs[0]?.acmeProblem).toBe('urn:ietf:params:acme:error:malformed');
    expect(identifierPolicyFindings(names(3), 'dns-01', { maxNames: 2 }).map((f) => f.code)).toEqual([
      'IDENT_TOO_MANY_NAMES',
    ]);
  });

  it('every finding names the value and has remediation and evidence', () => {
    const fs = identifierPolicyFindings([ok('foo.invalid'), ok('co.uk')], 'http-01');
    for (const f of fs) {
      expect(f.detail).toContain(f.identifier);
      expect(f.remediation.length).toBeGreaterThan(10);
      expect(f.evidence.length).toBeGreaterThan(0);
    }
    expect(fs[0]?.caMessage).toBe(
      'Cannot issue for "foo.invalid": Domain name does not end with a valid public suffix (TLD)',
    );
  });
});

describe('input the CA refuses as written', () => {
  const one = (input: string, challenge: 'http-01' | 'dns-01' = 'http-01') =>
    identifierPolicyFindings([ok(input)], challenge).filter((f) => f.code === 'IDENT_INPUT_NOT_CANONICAL');

  it.each([
    ['example.com.', 'example.com', 'Domain name ends in a dot'],
    ['Example.COM.', 'example.com', 'Domain name ends in a dot'],
    ['bücher.de', 'xn--bcher-kva.de', 'Domain name contains an invalid character'],
    ['example\u3002com', 'example.com', 'Domain name contains an invalid character'],
    ['2606:4700:0:0:0:0:0:1111', '2606:4700::1111', 'IP address is invalid'],
    ['[2606:4700::1111]', '2606:4700::1111', 'IP address is invalid'],
  ])('%s is checked as %s and warned with the CA message', (input, value, ca) => {
    const fs = one(input);
    expect(fs).toHaveLength(1);
    expect(fs[0]).toMatchObject({ severity: 'warning', identifier: value });
    expect(fs[0]?.caMessage).toMatch(new RegExp(`: ${ca}$`));
    expect(fs[0]?.remediation).toContain(`Send exactly "${value}"`);
  });

  it('upper case alone is info: the CA lower-cases identifiers itself', () => {
    const fs = one('WWW.Example.com');
    expect(fs.map((f) => f.severity)).toEqual(['info']);
    expect(fs[0]?.caMessage).toBeUndefined();
    expect(fs[0]?.remediation).toContain('"www.example.com"');
  });

  it('canonical input gets no such finding', () => {
    expect(one('www.example.com')).toEqual([]);
    expect(one('2606:4700::1111')).toEqual([]);
    expect(one('8.8.8.8')).toEqual([]);
  });
});

describe('addresses the CA accepts but the tool never connects to', () => {
  it.each(['224.0.0.1', 'ff02::1'])('%s gets IDENT_IP_NOT_PROBED, a warning', (ip) => {
    const fs = identifierPolicyFindings([ok(ip)], 'http-01');
    const f = fs.find((x) => x.code === 'IDENT_IP_NOT_PROBED');
    expect(f?.severity).toBe('warning');
    expect(f?.detail).toContain('does not connect');
  });
});
