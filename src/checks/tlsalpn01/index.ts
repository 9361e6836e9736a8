export { probeTlsAlpn01, type TlsAlpnEvidence } from './gather.js';
export { judgeTlsAlpn01 } from './judge.js';
export { acmeIdentifierOf, challengeCertProblems } from './challenge-cert.js';
