export {
  probeHttp01,
  randomToken,
  type Http01Deps,
  type Http01Evidence,
  type AddressProbe,
} from './gather.js';
export { judgeHttp01, isHealthy, behaviour } from './judge.js';
