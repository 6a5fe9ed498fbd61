import CSHA256

/// SHA-256 of input bytes for run.json, so a report can be tied to the exact export it came from
/// (padding here; the compression function in the CSHA256 target, with the SHA extensions).
public enum SHA256 {

    /// The digest of `bytes` as 64 lowercase hex digits.
    public static func hex(of bytes: UnsafeRawBufferPointer) -> String {
        var state: [UInt32] = [
            0x6a09_e667, 0xbb67_ae85, 0x3c6e_f372, 0xa54f_f53a, 0x510e_527f, 0x9b05_688c, 0x1f83_d9ab, 0x5be0_cd19,
        ]
        let whole = bytes.count / 64
        if whole > 0 { compress(&state, UnsafeRawBufferPointer(rebasing: bytes[0..<(whole * 64)]), blocks: whole) }
        var last = Array(bytes[(whole * 64)...])
        last.append(0x80)
        while last.count % 64 != 56 { last.append(0) }
        let bits = UInt64(bytes.count) &* 8
        for i in (0..<8).reversed() { last.append(UInt8(truncatingIfNeeded: bits >> (UInt64(i) * 8))) }
        last.withUnsafeBytes { compress(&state, $0, blocks: last.count / 64) }
        return state.map { word in
            let digits = String(word, radix: 16)
            return String(repeating: "0", count: 8 - digits.count) + digits
        }.joined()
    }

    /// The digest of bytes held in an array.
    public static func hex(of bytes: [UInt8]) -> String {
        bytes.withUnsafeBytes { hex(of: $0) }
    }

    /// Uses the portable compression function even where the SHA extensions exist (tests).
    nonisolated(unsafe) static var forcePortable = false

    private static func compress(_ state: inout [UInt32], _ p: UnsafeRawBufferPointer, blocks: Int) {
        guard blocks > 0, let base = p.baseAddress else { return }
        let data = base.assumingMemoryBound(to: UInt8.self)
        state.withUnsafeMutableBufferPointer { words in
            if forcePortable {
                csha256_blocks_portable(words.baseAddress!, data, blocks)
            } else {
                csha256_blocks(words.baseAddress!, data, blocks)
            }
        }
    }
}
