// Keccak-256 (Ethereum's, pre-NIST padding) in plain JS, so the scripts need no extra npm package.
const RC = [
  0x00000001, 0x00000000, 0x00008082, 0x00000000, 0x0000808a, 0x80000000, 0x80008000, 0x80000000,
  0x0000808b, 0x00000000, 0x80000001, 0x00000000, 0x80008081, 0x80000000, 0x00008009, 0x80000000,
  0x0000008a, 0x00000000, 0x00000088, 0x00000000, 0x80008009, 0x00000000, 0x8000000a, 0x00000000,
  0x8000808b, 0x00000000, 0x0000008b, 0x80000000, 0x00008089, 0x80000000, 0x00008003, 0x80000000,
  0x00008002, 0x80000000, 0x00000080, 0x80000000, 0x0000800a, 0x00000000, 0x8000000a, 0x80000000,
  0x80008081, 0x80000000, 0x00008080, 0x80000000, 0x80000001, 0x00000000, 0x80008008, 0x80000000,
];
// Rotation offsets and pi permutation, lane index = x + 5*y.
const ROT = [0, 1, 62, 28, 27, 36, 44, 6, 55, 20, 3, 10, 43, 25, 39, 41, 45, 15, 21, 8, 18, 2, 61, 56, 14];
const PI = new Array(25);
for (let x = 0; x < 5; x++) for (let y = 0; y < 5; y++) PI[x + 5 * y] = y + 5 * ((2 * x + 3 * y) % 5);

// State: 25 lanes as (lo, hi) 32-bit pairs in s[2i], s[2i+1].
function permute(s) {
  const c = new Uint32Array(10), b = new Uint32Array(50);
  for (let r = 0; r < 24; r++) {
    for (let x = 0; x < 5; x++) {
      c[2 * x] = s[2 * x] ^ s[2 * x + 10] ^ s[2 * x + 20] ^ s[2 * x + 30] ^ s[2 * x + 40];
      c[2 * x + 1] = s[2 * x + 1] ^ s[2 * x + 11] ^ s[2 * x + 21] ^ s[2 * x + 31] ^ s[2 * x + 41];
    }
    for (let x = 0; x < 5; x++) {
      const n = (x + 1) % 5, p = (x + 4) % 5;
      const lo = c[2 * p] ^ ((c[2 * n] << 1) | (c[2 * n + 1] >>> 31));
      const hi = c[2 * p + 1] ^ ((c[2 * n + 1] << 1) | (c[2 * n] >>> 31));
      for (let y = 0; y < 25; y += 5) { s[2 * (x + y)] ^= lo; s[2 * (x + y) + 1] ^= hi; }
    }
    for (let i = 0; i < 25; i++) { // rho and pi
      let lo = s[2 * i], hi = s[2 * i + 1], n = ROT[i];
      if (n >= 32) { [lo, hi] = [hi, lo]; n -= 32; }
      const rlo = n ? (lo << n) | (hi >>> (32 - n)) : lo;
      const rhi = n ? (hi << n) | (lo >>> (32 - n)) : hi;
      b[2 * PI[i]] = rlo; b[2 * PI[i] + 1] = rhi;
    }
    for (let y = 0; y < 25; y += 5) for (let x = 0; x < 5; x++) { // chi
      const i = x + y, i1 = (x + 1) % 5 + y, i2 = (x + 2) % 5 + y;
      s[2 * i] = b[2 * i] ^ (~b[2 * i1] & b[2 * i2]);
      s[2 * i + 1] = b[2 * i + 1] ^ (~b[2 * i1 + 1] & b[2 * i2 + 1]);
    }
    s[0] ^= RC[2 * r]; s[1] ^= RC[2 * r + 1]; // iota
  }
}

/** keccak256(data: Uint8Array | string(utf8)) -> "0x" + 64 hex digits */
export function keccak256(data) {
  const msg = typeof data === "string" ? new TextEncoder().encode(data) : data;
  const rate = 136, s = new Uint32Array(50);
  const padded = new Uint8Array(Math.floor(msg.length / rate + 1) * rate);
  padded.set(msg);
  padded[msg.length] ^= 0x01;
  padded[padded.length - 1] ^= 0x80;
  for (let off = 0; off < padded.length; off += rate) {
    for (let i = 0; i < rate / 4; i++) {
      s[i] ^= padded[off + 4 * i] | (padded[off + 4 * i + 1] << 8) | (padded[off + 4 * i + 2] << 16) | (padded[off + 4 * i + 3] << 24);
    }
    permute(s);
  }
  let hex = "0x";
  for (let i = 0; i < 8; i++) for (let k = 0; k < 4; k++) hex += ((s[i] >>> (8 * k)) & 0xff).toString(16).padStart(2, "0");
  return hex;
}
