import KS2Core

/// Byte strings (school ids, LA codes) interned to small integers per scan chunk, with no
/// allocation per row: keys live in one growing arena.
struct ByteInterner {
    private(set) var arena: [UInt8] = []
    /// Entry i is arena[offsets[i]..<offsets[i + 1]].
    private(set) var offsets: [Int] = [0]
    private var hashes: [UInt64] = []
    private var slots: [Int32] = Array(repeating: -1, count: 64)
    private var last: Int32 = -1

    var count: Int { offsets.count - 1 }

    @inline(__always)
    static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
        return h
    }

    @inline(__always)
    private func same(_ i: Int32, _ bytes: UnsafeRawBufferPointer) -> Bool {
        let lo = offsets[Int(i)]
        let hi = offsets[Int(i) + 1]
        guard hi - lo == bytes.count else { return false }
        return arena.withUnsafeBufferPointer { a in
            for k in 0..<bytes.count where a[lo + k] != bytes[k] { return false }
            return true
        }
    }

    /// The index of `bytes`, adding it when new (first appearance order).
    mutating func intern(_ bytes: UnsafeRawBufferPointer) -> Int32 {
        if last >= 0 && same(last, bytes) { return last }  // rows of a school are usually together
        let h = ByteInterner.hash(bytes)
        let mask = slots.count - 1
        var s = Int(truncatingIfNeeded: h) & mask
        while true {
            let i = slots[s]
            if i < 0 { break }
            if hashes[Int(i)] == h && same(i, bytes) {
                last = i
                return i
            }
            s = (s + 1) & mask
        }
        let index = Int32(count)
        arena.append(contentsOf: bytes)
        offsets.append(arena.count)
        hashes.append(h)
        slots[s] = index
        if count * 2 > slots.count { rehash() }
        last = index
        return index
    }

    private mutating func rehash() {
        var bigger = [Int32](repeating: -1, count: slots.count * 2)
        let mask = bigger.count - 1
        for i in 0..<count {
            var s = Int(truncatingIfNeeded: hashes[i]) & mask
            while bigger[s] >= 0 { s = (s + 1) & mask }
            bigger[s] = Int32(i)
        }
        slots = bigger
    }

    func string(_ i: Int32) -> String {
        String(decoding: arena[offsets[Int(i)]..<offsets[Int(i) + 1]], as: UTF8.self)
    }
}

/// Open-addressing index of UPN keys → row index, for duplicates and the KS1 join; the key is
/// stored in the slot so a probe touches one cache line.
struct UPNTable {
    private struct Slot {
        var key: UInt64
        var index: Int32
    }  // key + 1; 0 = empty
    private var slots: [Slot]
    private let shift: UInt64
    private let mask: Int

    init(expected: Int) {
        var bits = 4
        while (1 << bits) < expected * 2 { bits += 1 }
        slots = Array(repeating: Slot(key: 0, index: -1), count: 1 << bits)
        shift = UInt64(64 - bits)
        mask = (1 << bits) - 1
    }

    @inline(__always)
    static func hash(_ key: UInt64) -> UInt64 { (key &+ 1) &* 0x9E37_79B9_7F4A_7C15 }

    /// Empties the table, keeping its slots: a worker filling one table per batch of keys reuses
    /// it (a fresh table each time was a new allocation, and its pages faulted in again).
    mutating func removeAll() {
        slots.withUnsafeMutableBufferPointer { $0.update(repeating: Slot(key: 0, index: -1)) }
    }

    /// Inserts `index` for `key`; returns the earlier index with the same key, or -1.
    @inline(__always)
    mutating func insert(_ key: UInt64, _ index: Int32) -> Int32 {
        let stored = key &+ 1
        var s = Int(truncatingIfNeeded: UPNTable.hash(key) >> shift)
        return slots.withUnsafeMutableBufferPointer { t in
            while true {
                let k = t[s].key
                if k == 0 {
                    t[s] = Slot(key: stored, index: index)
                    return -1
                }
                if k == stored { return t[s].index }
                s = (s + 1) & mask
            }
        }
    }

    /// The index stored for `key`, or -1.
    @inline(__always)
    func find(_ key: UInt64) -> Int32 {
        let stored = key &+ 1
        var s = Int(truncatingIfNeeded: UPNTable.hash(key) >> shift)
        return slots.withUnsafeBufferPointer { t in
            while true {
                let k = t[s].key
                if k == stored { return t[s].index }
                if k == 0 { return -1 }
                s = (s + 1) & mask
            }
        }
    }
}

/// A reject found while scanning, before the file name is attached.
struct PendingReject {
    var line: Int
    var upn: String
    var reason: RejectReason
    var detail: String
}
