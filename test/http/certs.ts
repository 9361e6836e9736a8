/** Test certificates made with the openssl CLI in a temporary directory. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface Pem {
  key: string;
  cert: string;
}

export class CertFactory {
  readonly dir = mkdtempSync(path.join(tmpdir(), 'preflight-certs-'));
  private n = 0;

  private ssl(args: string[]): void {
    execFileSync('openssl', args, { cwd: this.dir, stdio: 'pipe' });
  }

  private file(name: string): string {
    return readFileSync(path.join(this.dir, name), 'utf8');
  }

  private ext(lines: string[]): string {
    const f = `ext${this.n++}.cnf`;
    writeFileSync(path.join(this.dir, f), lines.join('\n') + '\n');
    return f;
  }

  /** A self-signed certificate; `exts` are -addext values. */
  selfSigned(cn: string, exts: string[], days = 30): Pem {
    const id = `ss${this.n++}`;
    this.ssl([
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      `${id}.key`,
      '-out',
      `${id}.pem`,
      '-subj',
      `/CN=${cn}`,
      '-days',
      String(days),
      ...exts.flatMap((e) => ['-addext', e]),
    ]);
    return { key: this.file(`${id}.key`), cert: this.file(`${id}.pem`) };
  }

  /** A certificate signed by `issuer`. */
  signed(cn: string, issuer: Pem, extLines: string[], days = 30): Pem {
    const id = `c${this.n++}`;
    writeFileSync(path.join(this.dir, `${id}-issuer.key`), issuer.key);
    writeFileSync(path.join(this.dir, `${id}-issuer.pem`), issuer.cert);
    this.ssl([
      'req',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      `${id}.key`,
      '-out',
      `${id}.csr`,
      '-subj',
      `/CN=${cn}`,
    ]);
    this.ssl([
      'x509',
      '-req',
      '-in',
      `${id}.csr`,
      '-CA',
      `${id}-issuer.pem`,
      '-CAkey',
      `${id}-issuer.key`,
      '-set_serial',
      String(1000 + this.n),
      '-out',
      `${id}.pem`,
      '-days',
      String(days),
      '-extfile',
      this.ext(extLines),
    ]);
    return { key: this.file(`${id}.key`), cert: this.file(`${id}.pem`) };
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export const CA_EXTS = ['basicConstraints=critical,CA:true', 'keyUsage=critical,keyCertSign,cRLSign'];
