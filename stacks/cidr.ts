/** IPv4 CIDR arithmetic used by config validation and the network layout. */

export interface Cidr {
    /** Network address as an unsigned 32-bit integer. */
    readonly base: number;
    readonly prefix: number;
}

const CIDR_PATTERN = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** Why a string is not a usable CIDR block, or undefined when it is one. */
export function cidrProblem(text: string): string | undefined {
    const match = CIDR_PATTERN.exec(text);
    if (!match) return "expected an IPv4 CIDR block such as 10.20.0.0/16";
    const octets = match.slice(1, 5).map(Number);
    const prefix = Number(match[5]);
    if (octets.some((octet) => octet > 255)) return "an octet is above 255";
    if (prefix > 32) return "the prefix length is above 32";
    const base = toInteger(octets);
    if ((base & hostMask(prefix)) !== 0) {
        return `host bits are set; the block starts at ${formatAddress(base & ~hostMask(prefix) >>> 0)}/${prefix}`;
    }
    return undefined;
}

export function parseCidr(text: string): Cidr {
    const problem = cidrProblem(text);
    if (problem) throw new Error(`${text}: ${problem}`);
    const match = CIDR_PATTERN.exec(text) as RegExpExecArray;
    return { base: toInteger(match.slice(1, 5).map(Number)), prefix: Number(match[5]) };
}

export function formatCidr(cidr: Cidr): string {
    return `${formatAddress(cidr.base)}/${cidr.prefix}`;
}

export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
    const prefix = Math.min(a.prefix, b.prefix);
    const mask = ~hostMask(prefix) >>> 0;
    return ((a.base & mask) >>> 0) === ((b.base & mask) >>> 0);
}

/** The `index`-th block of length `prefix` inside `parent`. */
export function subdivide(parent: Cidr, prefix: number, index: number): Cidr {
    if (prefix < parent.prefix || prefix > 32) throw new Error(`cannot carve a /${prefix} out of ${formatCidr(parent)}`);
    const count = 2 ** (prefix - parent.prefix);
    if (index < 0 || index >= count) throw new Error(`${formatCidr(parent)} holds ${count} blocks of /${prefix}, not ${index + 1}`);
    return { base: (parent.base + index * 2 ** (32 - prefix)) >>> 0, prefix };
}

const PRIVATE_RANGES = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"].map(parseCidr);

/** True when the block lies wholly inside one RFC 1918 range. */
export function isPrivateCidr(cidr: Cidr): boolean {
    return PRIVATE_RANGES.some((range) => range.prefix <= cidr.prefix && cidrsOverlap(range, cidr));
}

function hostMask(prefix: number): number {
    return prefix === 0 ? 0xffffffff : (2 ** (32 - prefix) - 1) >>> 0;
}

function toInteger(octets: number[]): number {
    return octets.reduce((value, octet) => value * 256 + octet, 0) >>> 0;
}

function formatAddress(value: number): string {
    return [24, 16, 8, 0].map((shift) => (value >>> shift) & 255).join(".");
}
