// A private certificate authority for keyless-style signing without Fulcio: it issues short-lived
// code-signing certificates that carry a signer identity (URI SAN, e.g. a GitHub workflow) and an
// OIDC issuer in Fulcio's extensions, so the stock `cosign verify --certificate-identity …
// --certificate-oidc-issuer …` checks them exactly as it checks public-good keyless signatures.
// For tests and air-gapped users; production in GitHub Actions uses real keyless signing.
import { webcrypto } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as asn1js from 'asn1js';
import { OID_ISSUER_V1, OID_ISSUER_V2 } from '../src/keys.js';
import { x509 } from '../src/x509.js';
import { run } from '../src/exec.js';
import { tool } from '../src/tools.js';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

type KeyPair = webcrypto.CryptoKeyPair;

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const CODE_SIGNING = '1.3.6.1.5.5.7.3.3';

export interface CertificateAuthority {
  certificate: x509.X509Certificate;
  keys: KeyPair;
}

function serial(): string {
  return Buffer.from(webcrypto.getRandomValues(new Uint8Array(16)))
    .toString('hex')
    .replace(/^[89a-f]/, '1');
}

export async function createCertificateAuthority(name = 'signed-release-pipeline test CA', validDays = 1): Promise<CertificateAuthority> {
  const keys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as KeyPair;
  const now = Date.now();
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: `CN=${name}, O=signed-release-pipeline`,
    // Valid since a day before: a certificate that expired an hour ago still chains to it.
    notBefore: new Date(now - 86_400_000),
    notAfter: new Date(now + validDays * 86_400_000),
    signingAlgorithm: ALG,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 1, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { certificate, keys };
}

export interface SigningCertificateRequest {
  /** The signer identity, e.g. https://github.com/OWNER/REPO/.github/workflows/release.yaml@refs/heads/main */
  identity: string;
  issuer: string;
  notBefore?: Date;
  notAfter?: Date;
}

export interface IssuedCertificate {
  certificate: x509.X509Certificate;
  privateKeyPem: string;
}

export async function issueSigningCertificate(ca: CertificateAuthority, req: SigningCertificateRequest): Promise<IssuedCertificate> {
  const keys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as KeyPair;
  const now = Date.now();
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: '',
    issuer: ca.certificate.subject,
    notBefore: req.notBefore ?? new Date(now - 60_000),
    notAfter: req.notAfter ?? new Date(now + 10 * 60_000),
    signingAlgorithm: ALG,
    publicKey: keys.publicKey,
    signingKey: ca.keys.privateKey,
    extensions: [
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([CODE_SIGNING], false),
      new x509.SubjectAlternativeNameExtension([{ type: 'url', value: req.identity }], true),
      new x509.Extension(OID_ISSUER_V1, false, Buffer.from(req.issuer, 'utf8')),
      new x509.Extension(OID_ISSUER_V2, false, new asn1js.Utf8String({ value: req.issuer }).toBER()),
      await x509.AuthorityKeyIdentifierExtension.create(ca.keys.publicKey),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  const privateKeyPem = `-----BEGIN PRIVATE KEY-----\n${pkcs8
    .toString('base64')
    .match(/.{1,64}/g)!
    .join('\n')}\n-----END PRIVATE KEY-----\n`;
  return { certificate, privateKeyPem };
}

export interface SigningMaterial {
  /** cosign-encrypted private key (cosign import-key-pair), password from COSIGN_PASSWORD. */
  key: string;
  certificate: string;
  chain: string;
}

/** Writes what `cosign sign --key … --certificate … --certificate-chain …` needs into `dir`. */
export async function writeSigningMaterial(dir: string, ca: CertificateAuthority, issued: IssuedCertificate, password = ''): Promise<SigningMaterial> {
  await mkdir(dir, { recursive: true });
  const pem = join(dir, 'leaf.pem');
  await writeFile(pem, issued.privateKeyPem, { mode: 0o600 });
  await run(tool('cosign'), ['import-key-pair', '--key', pem, '--output-key-prefix', join(dir, 'leaf'), '--yes'], {
    env: { ...process.env, COSIGN_PASSWORD: password },
    secrets: [password],
  });
  const certificate = join(dir, 'leaf.crt');
  const chain = join(dir, 'chain.crt');
  await writeFile(certificate, issued.certificate.toString('pem'));
  await writeFile(chain, ca.certificate.toString('pem'));
  return { key: join(dir, 'leaf.key'), certificate, chain };
}
