import ipaddr from 'ipaddr.js';

/**
 * Reduces a client IP to a network prefix before anything is stored: IPv4 to its /24 (last octet
 * zeroed), IPv6 to its /48. Enough for a coarse region, not enough to single out a subscriber.
 * Returns CIDR notation (`203.0.113.0/24`, `2001:db8:abcd::/48`), undefined for anything that is not an IP address.
 */
export const maskIp = (ip: string | undefined): string | undefined => {
  if (!ip || !ipaddr.isValid(ip)) return undefined;
  let address = ipaddr.parse(ip);
  if (address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress()) {
    address = (address as ipaddr.IPv6).toIPv4Address();
  }
  if (address.kind() === 'ipv4') {
    const [a, b, c] = (address as ipaddr.IPv4).octets;
    return `${a}.${b}.${c}.0/24`;
  }
  const parts = (address as ipaddr.IPv6).parts.slice(0, 3);
  return `${new ipaddr.IPv6([...parts, 0, 0, 0, 0, 0]).toString()}/48`;
};
