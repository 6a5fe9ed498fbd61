import CSHA256
import Foundation

/// SHA-256 of input files for run.json, so a report can be tied to the exact export it came from
/// (padding here; the compression function in the CSHA256 target, with the SHA extensions).
enum SHA256 {

    static func hex(ofFile path: String) throws -> String {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw PipelineError.io("cannot read \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw PipelineError.io("cannot read \(path)") }
        let size = Int(st.st_size)
        var h: [UInt32] = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]
        var tail: [UInt8] = []
        if size > 0 {
            guard let map = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), map != MAP_FAILED else {
                throw PipelineError.io("cannot map \(path)")
            }
            defer { munmap(map, size) }
            madvise(map, size, MADV_SEQUENTIAL)
            let whole = size / 64
            compress(&h, UnsafeRawBufferPointer(start: map, count: whole * 64), blocks: whole)
            tail = Array(UnsafeRawBufferPointer(start: map + whole * 64, count: size - whole * 64))
        }
        var last = tail + [0x80]
        while last.count % 64 != 56 { last.append(0) }
        let bits = UInt64(size) &* 8
        for i in (0..<8).reversed() { last.append(UInt8(truncatingIfNeeded: bits >> (UInt64(i) * 8))) }
        last.withUnsafeBytes { compress(&h, $0, blocks: last.count / 64) }
        return h.map { word in
            let s = String(word, radix: 16)
            return String(repeating: "0", count: 8 - s.count) + s
        }.joined()
    }

    static func hex(of bytes: [UInt8]) -> String {
        var h: [UInt32] = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]
        var m = bytes + [0x80]
        while m.count % 64 != 56 { m.append(0) }
        let bits = UInt64(bytes.count) &* 8
        for i in (0..<8).reversed() { m.append(UInt8(truncatingIfNeeded: bits >> (UInt64(i) * 8))) }
        m.withUnsafeBytes { compress(&h, $0, blocks: m.count / 64) }
        return h.map { w in let s = String(w, radix: 16); return String(repeating: "0", count: 8 - s.count) + s }.joined()
    }

    /// Uses the portable compression function even where the SHA extensions exist (tests).
    nonisolated(unsafe) static var forcePortable = false

    private static func compress(_ h: inout [UInt32], _ p: UnsafeRawBufferPointer, blocks: Int) {
        guard blocks > 0, let base = p.baseAddress else { return }
        h.withUnsafeMutableBufferPointer { state in
            if forcePortable {
                csha256_blocks_portable(state.baseAddress!, base.assumingMemoryBound(to: UInt8.self), blocks)
            } else {
                csha256_blocks(state.baseAddress!, base.assumingMemoryBound(to: UInt8.self), blocks)
            }
        }
    }
}
