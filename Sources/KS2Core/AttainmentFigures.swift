/// A row's 13 attainment figures (or their denominators), indexed by `AttainmentMeasure.rawValue`,
/// stored inline: a national run builds ~270,000 school and group rows, and two heap arrays per row
/// cost an allocation each, a retain on every row copy and a run-time metadata lookup per row.
/// Absent figures are a bit in `present`, so every value (NaN included) keeps the meaning it had as
/// an optional.
public struct AttainmentFigures<Value: AdditiveArithmetic & Hashable & Sendable & BitwiseCopyable>: Sendable {
    /// Thirteen values in measure order (`.zero` where absent).
    @usableFromInline
    var values: (Value, Value, Value, Value, Value, Value, Value, Value, Value, Value, Value, Value, Value)
    /// Bit k set: the figure of measure k is present.
    @usableFromInline
    var present: UInt16

    /// Every figure absent.
    @inlinable
    public init() {
        let z = Value.zero
        values = (z, z, z, z, z, z, z, z, z, z, z, z, z)
        present = 0
    }

    /// The figures of a list in measure order (missing entries past its end are absent).
    @inlinable
    public init(_ figures: some Sequence<Value?>) {
        self.init()
        for (k, v) in zip(0..<Self.count, figures) { self[k] = v }
    }

    /// How many measures there are (`AttainmentMeasure.allCases.count`).
    public static var count: Int { 13 }

    /// The figure of a measure, nil when absent.
    @inlinable
    public subscript(measure: AttainmentMeasure) -> Value? {
        get { self[measure.rawValue] }
        set { self[measure.rawValue] = newValue }
    }
}

extension AttainmentFigures: RandomAccessCollection, MutableCollection {
    public typealias Index = Int
    public typealias Indices = Range<Int>

    @inlinable public var startIndex: Int { 0 }
    @inlinable public var endIndex: Int { 13 }

    /// The figure at `AttainmentMeasure.rawValue` `k`, nil when absent.
    @inlinable
    public subscript(k: Int) -> Value? {
        @inline(__always) get {
            precondition(k >= 0 && k < 13, "attainment measure index out of range")
            guard present & (1 << UInt16(k)) != 0 else { return nil }
            return withUnsafeBytes(of: values) {
                $0.load(fromByteOffset: k * MemoryLayout<Value>.stride, as: Value.self)
            }
        }
        set {
            precondition(k >= 0 && k < 13, "attainment measure index out of range")
            let bit: UInt16 = 1 << UInt16(k)
            if let newValue {
                withUnsafeMutableBytes(of: &values) {
                    $0.storeBytes(of: newValue, toByteOffset: k * MemoryLayout<Value>.stride, as: Value.self)
                }
                present |= bit
            } else {
                withUnsafeMutableBytes(of: &values) {
                    $0.storeBytes(of: .zero, toByteOffset: k * MemoryLayout<Value>.stride, as: Value.self)
                }
                present &= ~bit
            }
        }
    }
}

extension AttainmentFigures: Hashable {
    /// Equal as the lists of optionals they stand for (so NaN figures are never equal, as before).
    @inlinable
    public static func == (a: Self, b: Self) -> Bool {
        guard a.present == b.present else { return false }
        for k in 0..<13 where a[k] != b[k] { return false }
        return true
    }

    @inlinable
    public func hash(into hasher: inout Hasher) {
        hasher.combine(present)
        for k in 0..<13 {
            if let v = self[k] { hasher.combine(v) }
        }
    }
}
