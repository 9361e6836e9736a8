/** Domain name helpers: the API uses lower-case names with no trailing dot; the root is ''. */

export function normalizeName(name: string): string {
  // Hot path: most names arrive already normalised.
  if (name.length > 0 && name.charCodeAt(name.length - 1) !== 46 && !hasUpper(name)) return name;
  const n = name.toLowerCase().replace(/\.+$/, '');
  return n === '.' ? '' : n;
}

/** A char loop: cheaper than a regular expression on the short strings names are. */
function hasUpper(name: string): boolean {
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c >= 65 && c <= 90) return true;
  }
  return false;
}

/** True when name is zone itself or below it. */
export function isAtOrBelow(name: string, zone: string): boolean {
  const n = normalizeName(name);
  const z = normalizeName(zone);
  return z === '' || n === z || n.endsWith('.' + z);
}

/** True when name is strictly below zone. */
export function isBelow(name: string, zone: string): boolean {
  return normalizeName(name) !== normalizeName(zone) && isAtOrBelow(name, zone);
}

/** The name without its first label ('' above a single label). */
export function parentName(name: string): string {
  const i = name.indexOf('.');
  return i < 0 ? '' : name.slice(i + 1);
}

/** Label for messages: the root shows as '.'. */
export function displayName(name: string): string {
  return name === '' ? '.' : name;
}
