export { probeCertificate, type CertificateEvidence, type CertAddressEvidence } from './gather.js';
export { judgeCertificate, EXPIRY_WARNING_DAYS, type CertJudgeOptions } from './judge.js';
export { analyseChain, coversName, nodeRoots, type ChainAnalysis, type ChainStatus } from './chain.js';
