/** Zones whose set-up is not the user's to fix: the root and public suffixes. */
import { parse as parseDomain } from 'tldts';

/** The root or a public suffix: the name's own zone was not found, and its set-up is not the user's to fix. */
export function isRegistryZone(zone: string): boolean {
  if (zone === '') return true;
  let registry = registryZones.get(zone);
  if (registry === undefined) {
    registry = parseDomain(zone).domain === null;
    if (registryZones.size >= MAX_REGISTRY_ZONES) registryZones.clear();
    registryZones.set(zone, registry);
  }
  return registry;
}

/** Parsing against the public suffix list is costly and every name of a zone asks about the same zone. */
const registryZones = new Map<string, boolean>();
const MAX_REGISTRY_ZONES = 10_000;
